"""Census source for Etalab's *decoupage-administratif* JSON files.

A folder holds ``communes.json``, ``epci.json`` and ``departements.json`` (and optionally
``arrondissements.json``), each plain or gzipped. The files do not say which vintage they are: the
reader takes it from the caller when given, else from a ``metadata.json`` beside them (``{"cog_year": 2025, "population_vintage":
2022, "label": "6.0.0"}``), else from the folder's name when it is a known package version. ``communes.json`` gives the population municipale; ``epci.json`` gives, for each member,
the totale too (TER-2).

An EPCI with communes in the departments read is read whole (TER-7): its communes in other
departments come in the snapshot too (with the records of their departments in
``CensusSnapshot.neighbours``), so that a CDG knows the EPCIs that straddle its border; they are
*hors ressort* for it (:func:`rsgm_core.domain.profile.outside_territory`).

Communes of the overseas collectivities of the Pacific (codes 98x) are outside TER-1 and outside
the CDGs' remit: they are not read. Municipal districts
of Paris, Lyon and Marseille are not communes and are not read either.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

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
)
from rsgm_core.errors import RsgmError, SourceDataError, ValidationError
from rsgm_core.hookspecs import hookimpl

#: Package versions whose vintage is known (COG year, census reference year of the populations).
KNOWN_VINTAGES: Mapping[str, CensusVintage] = {
    "4.1.0": CensusVintage(2024, 2021, "4.1.0"),
    "6.0.0": CensusVintage(2025, 2022, "6.0.0"),
}
_FILES = ("communes", "epci", "departements")


@hookimpl
def rsgm_census_sources() -> list[DecoupageSource]:
    return [DecoupageSource()]


class DecoupageSource:
    name = "decoupage-administratif"

    def detect(self, path: Path) -> bool:
        return path.is_dir() and all(_find(path, stem) for stem in _FILES)

    def read(
        self,
        path: Path,
        departements: frozenset[str] | None = None,
        vintage: CensusVintage | None = None,
    ) -> CensusSnapshot:
        vintage = vintage or _vintage(path)
        raw_departements = _load(path, "departements")
        known = {d["code"]: d for d in raw_departements if _in_scope(d["code"])}
        wanted = frozenset(known) if departements is None else departements
        for code in sorted(wanted):
            validate_departement_code(code)
            if code not in known:
                raise SourceDataError(
                    f"département inconnu : {code!r}",
                    source=_name(path, "departements"),
                    value=code,
                )
        raw_communes = _load(path, "communes")
        raw_epcis = _load(path, "epci")
        return _Reader(path, vintage, wanted).build(known, raw_communes, raw_epcis)


class _Reader:
    def __init__(self, path: Path, vintage: CensusVintage, wanted: frozenset[str]) -> None:
        self.path = path
        self.vintage = vintage
        self.wanted = wanted
        self.wanted_prefixes = {code[:2] for code in wanted}  # cheap pre-filter by INSEE prefix

    def fail(self, stem: str, message: str, value: Any, rule: str | None = None) -> SourceDataError:
        return SourceDataError(message, source=_name(self.path, stem), rule=rule, value=value)

    def build(
        self, known: Mapping[str, Any], raw_communes: list[Any], raw_epcis: list[Any]
    ) -> CensusSnapshot:
        for raw in raw_communes:  # TER-1 first: a bad code must be named as such, not as a gap
            if raw.get("departement") in self.wanted:
                try:
                    validate_insee_code(raw.get("code"))
                except RsgmError as exc:
                    raise self.fail("communes", exc.message, exc.value, exc.rule) from exc
        current = {
            c.get("code"): c.get("departement")
            for c in raw_communes
            if c.get("type") == "commune-actuelle"
        }
        epci_of, members_of, epcis = self._epcis(raw_epcis, current)
        outside = {  # TER-7: the other communes of an EPCI that has communes in the departments
            code
            for codes in members_of.values()
            if any(current[c] in self.wanted for c in codes)
            for code in codes
            if current[code] not in self.wanted
        }
        previous = self._previous(raw_epcis, outside)
        communes, populations, delegated, former = [], [], [], {}
        for raw in raw_communes:
            kind = raw.get("type")
            if raw.get("departement") not in self.wanted and (
                kind != "commune-actuelle" or raw.get("code") not in outside
            ):
                continue
            try:
                if kind == "commune-actuelle":
                    commune = self._commune(raw, epci_of.get(raw["code"]))
                    communes.append(commune)
                    if "population" in raw:
                        populations.append(
                            PopulationFigure(
                                commune.code, self.vintage.population_vintage, raw["population"]
                            )
                        )
                    if commune.code in previous:
                        populations.append(previous[commune.code])
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
            source=str(self.path),
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

    def _commune(self, raw: Mapping[str, Any], epci: str | None) -> Commune:
        return Commune(
            code=raw["code"],
            name=raw["nom"],
            departement=raw["departement"],
            region=raw["region"],
            siren=raw.get("siren"),
            arrondissement=raw.get("arrondissement"),
            postcodes=tuple(raw.get("codesPostaux", ())),
            epci=epci,
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

    def _previous(self, raw_epcis: Iterable[Any], outside: set[str]) -> dict[str, PopulationFigure]:
        """The EPCI file's figures (a vintage older, with the totale) of the communes read."""
        previous: dict[str, PopulationFigure] = {}
        for raw in raw_epcis:
            for member in raw["membres"]:
                code = member.get("code")
                if "populationTotale" in member and (
                    code[:2] in self.wanted_prefixes or code in outside
                ):
                    try:
                        previous[code] = PopulationFigure(
                            code,
                            self.vintage.population_vintage - 1,
                            member["populationMunicipale"],
                            member["populationTotale"],
                        )
                    except RsgmError as exc:
                        raise self.fail("epci", exc.message, exc.value, exc.rule) from exc
        return previous

    def _arrondissements(self) -> Iterable[Arrondissement]:
        if _find(self.path, "arrondissements") is None:
            return
        for raw in _load(self.path, "arrondissements"):
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


def _find(path: Path, stem: str) -> Path | None:
    for candidate in (path / f"{stem}.json", path / f"{stem}.json.gz"):
        if candidate.is_file():
            return candidate
    return None


def _name(path: Path, stem: str) -> str:
    return str(_find(path, stem) or path / f"{stem}.json")


def _load(path: Path, stem: str) -> list[Any]:
    file = _find(path, stem)
    if file is None:
        raise SourceDataError("fichier introuvable", source=str(path / f"{stem}.json"), value=stem)
    try:
        if file.suffix == ".gz":
            with gzip.open(file, "rb") as handle:
                data = json.loads(handle.read())
        else:
            data = json.loads(file.read_bytes())
    except (OSError, EOFError, ValueError) as exc:  # gzip and json errors, truncation included
        raise SourceDataError(
            f"JSON illisible ou tronqué ({exc})", source=str(file), value=file.name
        ) from exc
    if not isinstance(data, list):
        raise SourceDataError(
            "une liste JSON est attendue", source=str(file), value=type(data).__name__
        )
    return data


def _vintage(path: Path) -> CensusVintage:
    meta = path / "metadata.json"
    if meta.is_file():
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return CensusVintage(
                int(data["cog_year"]), int(data["population_vintage"]), str(data["label"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceDataError(
                f"métadonnées illisibles ({exc})", source=str(meta), value=None
            ) from exc
    if path.name in KNOWN_VINTAGES:
        return KNOWN_VINTAGES[path.name]
    raise SourceDataError(
        "millésime inconnu : ajoutez un metadata.json (cog_year, population_vintage, label) ou "
        "précisez le millésime",
        source=str(path),
        value=path.name,
    )
