"""Census source for Etalab's *decoupage-administratif* JSON files, as the releases are published.

A release is read as published (TER-1, TER-2): the npm package (``npm pack
@etalab/decoupage-administratif@6.0.0`` gives ``etalab-decoupage-administratif-6.0.0.tgz``, holding
``package/package.json`` and ``package/data/*.json``), its extracted folder (``package/data/…``) or a
flat folder of ``communes.json``, ``epci.json`` and ``departements.json`` (and optionally
``arrondissements.json``), each plain or gzipped. The vintage is taken from the caller when given,
else from a ``metadata.json`` beside the files (an override: ``{"cog_year": 2025,
"population_vintage": 2022, "label": "6.0.0"}``, optionally ``"epci_vintage"``), else from the
version in ``package.json``, else from the folder's name; a version is looked up in
:data:`~rsgm_core.plugins.decoupage_releases.RELEASES` (every published release).
``communes.json`` gives the population municipale; ``epci.json`` gives, for each member, the
municipale and the totale of the vintage the table says (TER-2). ``ept.json`` (the établissements
publics territoriaux of the Métropole du Grand Paris, in the releases from 3.1.1 on) is read where
present: each member commune gets its EPT's SIREN and name (``Commune.ept``, ``Commune.ept_name``);
a release without it leaves them empty.

An EPCI with communes in the departments read is read whole (TER-7): its communes in other
departments come in the snapshot too (with the records of their departments in
``CensusSnapshot.neighbours``), so that a CDG knows the EPCIs that straddle its border; they are
*hors ressort* for it (:func:`rsgm_core.domain.profile.outside_territory`).

Communes of the overseas collectivities of the Pacific (codes 98x) are outside TER-1 and outside
the CDGs' remit: they are not read. Municipal districts
of Paris, Lyon and Marseille are not communes and are not read either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from rsgm_core.domain.census import CensusSnapshot, CensusVintage, DelegatedCommune
from rsgm_core.domain.territory import (
    Arrondissement,
    Commune,
    CommuneStatus,
    Departement,
    Epci,
    EpciKind,
    FinancingMode,
    PopulationFigure,
    validate_departement_code,
    validate_insee_code,
    validate_siren,
)
from rsgm_core.errors import RsgmError, SourceDataError, ValidationError
from rsgm_core.hookspecs import hookimpl
from rsgm_core.plugins.decoupage_files import ARCHIVES as _ARCHIVES
from rsgm_core.plugins.decoupage_files import Files as _Files
from rsgm_core.plugins.decoupage_releases import RELEASES

#: Release versions whose vintage is known: every published release (COG year, population vintage).
KNOWN_VINTAGES: Mapping[str, CensusVintage] = {
    v: CensusVintage(r.cog_year, r.population_vintage, v) for v, r in RELEASES.items()
}


@hookimpl
def rsgm_census_sources() -> list[DecoupageSource]:
    return [DecoupageSource()]


class DecoupageSource:
    name = "decoupage-administratif"

    def detect(self, path: Path) -> bool:
        if path.is_file():
            return path.name.endswith(_ARCHIVES)
        return path.is_dir() and _Files(path).looks_like_release()

    def read(
        self,
        path: Path,
        departements: frozenset[str] | None = None,
        vintage: CensusVintage | None = None,
    ) -> CensusSnapshot:
        files = _Files(path)
        files.check()
        if vintage is None:
            vintage, epci_vintage = _vintage(files)
        else:
            release = RELEASES.get(vintage.label)
            epci_vintage = release.epci_vintage if release else None
        raw_departements = files.load("departements")
        known = {d["code"]: d for d in raw_departements if _in_scope(d["code"])}
        wanted = frozenset(known) if departements is None else departements
        for code in sorted(wanted):
            validate_departement_code(code)
            if code not in known:
                raise SourceDataError(
                    f"département inconnu : {code!r}",
                    source=files.name("departements"),
                    value=code,
                )
        reader = _Reader(files, vintage, wanted, epci_vintage)
        return reader.build(known, files.load("communes"), files.load("epci"))  # consumed


class _Reader:
    def __init__(
        self, files: _Files, vintage: CensusVintage, wanted: frozenset[str], epci: int | None
    ) -> None:
        self.files = files
        self.vintage = vintage
        self.epci_vintage = epci  # None: decided from the data (same vintage, else one older)
        self.wanted = wanted
        self.wanted_prefixes = {code[:2] for code in wanted}  # cheap pre-filter by INSEE prefix

    def fail(self, stem: str, message: str, value: Any, rule: str | None = None) -> SourceDataError:
        return SourceDataError(message, source=self.files.name(stem), rule=rule, value=value)

    def build(
        self, known: Mapping[str, Any], raw_communes: list[Any], raw_epcis: list[Any]
    ) -> CensusSnapshot:
        """The snapshot of the entries read. Empties ``raw_communes`` and ``raw_epcis`` as it
        goes: each entry is let go once its records are built, so that the parsed files and the
        records are not held in memory all at once."""
        wanted = self.wanted
        current: dict[Any, Any] = {}  # the current communes of all France: code -> department
        kept = []  # the entries of the departments read, in the file's order
        for raw in raw_communes:  # one pass; TER-1 first: a bad code is named as such, not a gap
            departement = raw.get("departement")
            if departement in wanted:
                try:
                    validate_insee_code(raw.get("code"))  # once: the records find it known
                except RsgmError as exc:
                    raise self.fail("communes", exc.message, exc.value, exc.rule) from exc
                kept.append(raw)
            if raw.get("type") == "commune-actuelle":
                current[raw.get("code")] = departement
        epci_of, members_of, epcis = self._epcis(raw_epcis, current)
        ept_of = self._epts(current)
        outside = {  # TER-7: the other communes of an EPCI that has communes in the departments
            code
            for codes in members_of.values()
            if any(current[c] in self.wanted for c in codes)
            for code in codes
            if current[code] not in self.wanted
        }
        previous = self._previous(raw_epcis, outside, raw_communes)
        if outside:  # with the communes hors ressort, still in the file's order
            kept = [
                raw
                for raw in raw_communes
                if raw.get("departement") in wanted
                or (raw.get("type") == "commune-actuelle" and raw.get("code") in outside)
            ]
        raw_communes.clear()  # only the entries kept are still referenced
        raw_epcis.clear()
        communes, populations, delegated, former = [], [], [], {}
        # json gives every department, region and arrondissement code of an entry its own
        # string: shared instead, they weigh some 5 MB less on a France import (peak memory)
        shared: dict[str, str] = {}
        share = shared.setdefault  # inline below: a call per value costs 5% of the read
        for index, raw in enumerate(kept):
            kept[index] = None  # let the entry go once its records are built
            kind = raw.get("type")
            try:
                if kind == "commune-actuelle":
                    code = raw["code"]
                    dep, region, arr = raw["departement"], raw["region"], raw.get("arrondissement")
                    if type(dep) is str and type(region) is str:  # else refused by the record
                        dep, region = share(dep, dep), share(region, region)
                    if type(arr) is str:
                        arr = share(arr, arr)
                    commune = Commune.checked(  # the constructor's checks, faster
                        code,
                        raw["nom"],
                        dep,
                        region,
                        raw.get("siren"),
                        arr,
                        tuple(raw.get("codesPostaux", ())),
                        epci_of.get(code),
                    )
                    if code in ept_of:
                        commune = attrs.evolve(
                            commune, ept=ept_of[code][0], ept_name=ept_of[code][1]
                        )
                    communes.append(commune)
                    populations.extend(self._figures(code, raw, previous))
                    if raw.get("anciensCodes"):
                        former[commune.code] = tuple(raw["anciensCodes"])
                elif kind in ("commune-deleguee", "commune-associee"):
                    delegated.append(
                        DelegatedCommune(
                            raw["code"],
                            raw["nom"],
                            CommuneStatus(kind),
                            raw["chefLieu"],
                            raw["departement"],
                        )
                    )
            except RsgmError as exc:
                raise self.fail("communes", exc.message, exc.value, exc.rule) from exc
            except (KeyError, TypeError, ValueError) as exc:
                raise self.fail("communes", f"entrée mal formée ({exc})", raw.get("code")) from exc
        used = {c.epci for c in communes if c.epci}
        return CensusSnapshot(
            vintage=self.vintage,
            source=str(self.files.path),
            departements=tuple(
                Departement(code, known[code]["nom"], known[code]["region"])
                for code in sorted(self.wanted)
            ),
            arrondissements=tuple(self._arrondissements()),
            epcis=tuple(e for e in epcis if e.siren in used),
            communes=tuple(communes),
            populations=tuple(populations),
            delegated=tuple(delegated),
            former_codes=former,
            neighbours=tuple(
                Departement(code, known[code]["nom"], known[code]["region"])
                for code in sorted({current[c] for c in outside})
                if code in known
            ),
        )

    def _epcis(
        self, raw_epcis: Iterable[Any], current: Mapping[str, str]
    ) -> tuple[dict[str, str], dict[str, list[str]], list[Epci]]:
        epci_of: dict[str, str] = {}
        members_of: dict[str, list[str]] = {}
        epcis = []
        for raw in raw_epcis:
            try:
                epci = Epci(
                    raw["code"],
                    raw["nom"],
                    EpciKind(raw["type"]),
                    FinancingMode(raw["modeFinancement"]),
                )
                members = raw["membres"]
            except RsgmError as exc:
                raise self.fail("epci", exc.message, exc.value, exc.rule) from exc
            except (KeyError, TypeError, ValueError) as exc:
                raise self.fail("epci", f"EPCI mal formé ({exc})", raw.get("code")) from exc
            epcis.append(epci)
            codes = members_of[epci.siren] = []
            for member in members:
                code = member.get("code")
                if code not in current:
                    raise self.fail(
                        "epci",
                        f"l'EPCI {epci.siren} ({epci.name}) a pour membre la commune {code!r}, "
                        "absente du fichier des communes",
                        code,
                    )
                if code in epci_of and epci_of[code] != epci.siren:  # TER-4
                    raise self.fail(
                        "epci",
                        f"la commune {code} appartient à deux EPCI : {epci_of[code]} et {epci.siren}",
                        code,
                        rule="TER-4",
                    )
                epci_of[code] = epci.siren
                codes.append(code)
        return epci_of, members_of, epcis

    def _epts(self, current: Mapping[str, str]) -> dict[str, tuple[str, str]]:
        """``ept.json`` where the release has it: member commune -> (EPT SIREN, EPT name)."""
        if self.files.find("ept") is None:
            return {}
        ept_of: dict[str, tuple[str, str]] = {}
        for raw in self.files.load("ept"):
            try:
                siren, name, members = raw["code"], raw["nom"], raw["membres"]
                validate_siren(siren)
                if not isinstance(name, str) or not isinstance(members, list):
                    raise TypeError("nom ou membres")
                codes = [member["code"] for member in members]
            except RsgmError as exc:
                raise self.fail("ept", exc.message, exc.value, exc.rule) from exc
            except (KeyError, TypeError) as exc:
                code = raw.get("code") if isinstance(raw, dict) else raw
                raise self.fail("ept", f"EPT mal formé ({exc})", code) from exc
            for code in codes:
                if code not in current:
                    raise self.fail(
                        "ept",
                        f"l'EPT {siren} ({name}) a pour membre la commune {code!r}, "
                        "absente du fichier des communes",
                        code,
                        rule="TER-1",
                    )
                if code in ept_of and ept_of[code][0] != siren:
                    raise self.fail(
                        "ept",
                        f"la commune {code} appartient à deux EPT : {ept_of[code][0]} et {siren}",
                        code,
                        rule="TER-1",
                    )
                ept_of[code] = (siren, name)
        return ept_of

    def _figures(
        self, code: str, raw: Mapping[str, Any], previous: Mapping[str, PopulationFigure]
    ) -> list[PopulationFigure]:
        """communes.json's municipale, and epci.json's municipale and totale (TER-2): one figure
        when both files carry the same vintage and agree, else one per vintage."""
        figures = []
        epci = previous.get(code)
        if "population" in raw:
            own = PopulationFigure.checked(code, self.vintage.population_vintage, raw["population"])
            if epci is not None and epci.vintage == own.vintage:
                own = epci if epci.municipale == own.municipale else own
                epci = None
            figures.append(own)
        if epci is not None:
            figures.append(epci)
        return figures

    def _previous(
        self, raw_epcis: Iterable[Any], outside: set[str], raw_communes: Iterable[Any]
    ) -> dict[str, PopulationFigure]:
        """The EPCI file's figures (municipale and totale) of the communes read, with their vintage."""
        found: dict[str, tuple[Any, Any]] = {}
        for raw in raw_epcis:
            for member in raw["membres"]:
                code = member.get("code")
                if "populationTotale" in member and (
                    code[:2] in self.wanted_prefixes or code in outside
                ):
                    found[code] = (member.get("populationMunicipale"), member["populationTotale"])
        if not found:
            return {}
        vintage = self.epci_vintage or self._epci_vintage_from(found, raw_communes)
        previous: dict[str, PopulationFigure] = {}
        for code, (municipale, totale) in found.items():
            try:
                previous[code] = PopulationFigure.checked(code, vintage, municipale, totale)
            except RsgmError as exc:
                raise self.fail("epci", exc.message, exc.value, exc.rule) from exc
        return previous

    def _epci_vintage_from(
        self, found: Mapping[str, tuple[Any, Any]], raw_communes: Iterable[Any]
    ) -> int:
        """A release not in the table: epci.json's figures are of the same vintage as
        communes.json's when they agree for nearly every commune, else of the vintage before."""
        own = {
            c.get("code"): c.get("population")
            for c in raw_communes
            if c.get("type") == "commune-actuelle" and c.get("code") in found
        }
        same = sum(1 for code, figure in own.items() if found[code][0] == figure)
        agree = bool(own) and same >= 0.9 * len(own)
        return self.vintage.population_vintage - (0 if agree else 1)

    def _arrondissements(self) -> Iterable[Arrondissement]:
        if self.files.find("arrondissements") is None:
            return
        for raw in self.files.load("arrondissements"):
            if raw.get("departement") in self.wanted:
                try:
                    yield Arrondissement(raw["code"], raw["nom"], raw["departement"])
                except (KeyError, ValidationError) as exc:
                    raise self.fail("arrondissements", f"entrée mal formée ({exc})", raw) from exc


def _in_scope(code: str) -> bool:
    try:
        validate_departement_code(code)
    except ValidationError:
        return False
    return True


def _vintage(files: _Files) -> tuple[CensusVintage, int | None]:
    """metadata.json (an override), else the release's version looked up in the table."""
    meta = files.metadata() if files.members is None else None
    if meta is not None:
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            vintage = CensusVintage(
                int(data["cog_year"]), int(data["population_vintage"]), str(data["label"])
            )
            epci = data.get("epci_vintage")
            release = RELEASES.get(vintage.label)
            if (
                epci is None
                and release is not None
                and (release.population_vintage == vintage.population_vintage)
            ):
                epci = release.epci_vintage
            return vintage, None if epci is None else int(epci)
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceDataError(
                f"métadonnées illisibles ({exc})", source=str(meta), rule="TER-2", value=None
            ) from exc
    version = files.version()
    release = RELEASES.get(version)
    if release is None:
        raise SourceDataError(
            f"millésime inconnu : la version {version!r} n'est pas une publication connue ; "
            "ajoutez un metadata.json (cog_year, population_vintage, label) ou précisez le "
            "millésime",
            source=str(files.path),
            rule="TER-2",
            value=version,
        )
    return KNOWN_VINTAGES[version], release.epci_vintage
