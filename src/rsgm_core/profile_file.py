"""Reading a CDG's profile file (``rsgm.toml``) into :class:`~rsgm_core.settings.Settings`.

The file is French, as the people who write it are; every key is documented in
docs/configuration.md. Reading is strict: an unknown key, a value of the wrong type or an invalid
grid is a :class:`~rsgm_core.errors.ConfigurationError` naming the file, the key's path
(``tarifs[1].strates[2].cotisation``) and the reason, never a silent default.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import attrs

from rsgm_core.domain.ages import check_retirement_age
from rsgm_core.domain.profile import AccessMode, CdgIdentity, CharterChange, Policies
from rsgm_core.domain.tariffs import (
    MANDATORY_MISSION,
    REFERENCE_CATALOGUE,
    Rounding,
    ServiceKind,
    Stratum,
    TariffGrid,
)
from rsgm_core.domain.territory import validate_departement_code
from rsgm_core.errors import ConfigurationError, RsgmError
from rsgm_core.profile_reader import Reader as _Reader
from rsgm_core.profile_reader import database_url, rule_of, toml_error, web_options
from rsgm_core.settings import Settings

__all__ = [
    "PROFILE_NAME",
    "example_profile",
    "parse_profile",
    "profile_actor",
    "read_profile",
    "rule_of",
    "sample_census",
]

PROFILE_NAME = "rsgm.toml"

T = TypeVar("T")

# Profile key -> plugin option, for the sections handed over to a plugin as they are.
_SMTP_KEYS = {
    "hote": "host",
    "port": "port",
    "securite": "security",
    "utilisateur": "username",
    "mot_de_passe": "password",
    "expediteur": "sender",
    "repondre_a": "reply_to",
    "delai": "timeout",
    "certificats_ca": "ca_file",
}
_OUTBOX_KEYS = {
    "heures": "hours",
    "jours": "days",
    "max_par_heure": "max_per_hour",
    "domaine": "domain",
    "tentatives_max": "max_attempts",
    "premier_delai_secondes": "retry_base_seconds",
    "facteur_delai": "retry_factor",
    "delai_max_secondes": "retry_cap_seconds",
    "bail_secondes": "lease_seconds",
}
_SECTIONS = (
    "cdg", "territoire", "politiques", "calendrier", "regional", "base", "smtp", "envoi",
    "tarifs", "extensions", "animation", "web",
)  # fmt: skip


def read_profile(path: Path, *, named_by: str = "") -> Settings:
    """The settings of the profile file at ``path``; a missing or unreadable file is an error.
    ``named_by`` says where the path came from (``--config``), for the message."""
    if not path.is_file():
        origin = f" (nommé par {named_by})" if named_by else ""
        raise ConfigurationError(
            f"profil introuvable : {path}{origin} ; vérifiez le chemin, ou créez le profil avec "
            "« rsgm init »",
            value=str(path),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"profil illisible : {path} ({exc})", value=str(path)) from None
    return parse_profile(text, folder=path.resolve().parent, name=str(path), source=path.resolve())


def parse_profile(text: str, *, folder: Path, name: str, source: Path | None = None) -> Settings:
    """The settings a profile's TOML ``text`` describes."""
    reader = _Reader(name, folder)
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # Windows editors start with a BOM
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"profil {name} : {toml_error(str(exc))}", value=name) from None
    reader.table(data, "", _SECTIONS)
    cdg = _identity(reader, data["cdg"]) if "cdg" in data else None
    territory = reader.table(data.get("territoire", {}), "territoire",
                             ("departements", "public_cible", "reseau_par_departement"))  # fmt: skip
    departements = _departements(reader, territory)
    policies = _policies(reader, data, territory)
    regional = reader.table(data.get("regional", {}), "regional", ("langue", "fuseau"))
    locale = reader.get(regional, "regional", "langue", str, "fr_FR")
    timezone = reader.get(regional, "regional", "fuseau", str, "Europe/Paris")
    reader.build("regional.langue", lambda: Settings(locale=locale))
    reader.build("regional.fuseau", lambda: Settings(timezone=timezone))
    base = reader.table(data.get("base", {}), "base", ("url",))
    database = reader.get(base, "base", "url", str, None)
    if database:
        database = database_url(database, folder)
    plugins = _plugins(reader, data)
    animation = reader.table(data.get("animation", {}), "animation", ("acteur",))
    reader.get(animation, "animation", "acteur", str, None)  # CHA-2: read by profile_actor()
    grids = tuple(
        _grid(reader, entry, f"tarifs[{index}]", cdg)
        for index, entry in enumerate(reader.get(data, "", "tarifs", list, []))
    )
    for index, grid in enumerate(grids):  # TAR-2: one grid per exercise, refused where written
        if any(other.exercise == grid.exercise for other in grids[:index]):
            raise reader.fail(
                f"tarifs[{index}].exercice",
                f"deuxième grille pour l'exercice {grid.exercise} : une seule grille par exercice",
                grid.exercise,
            )
    return reader.build(
        "territoire.departements",
        lambda: Settings(
            locale=locale,
            timezone=timezone,
            plugins=plugins,
            cdg=cdg,
            departements=tuple(departements),
            policies=policies,
            grids=grids,
            database=database,
            source=source,
        ),
    )


def profile_actor(path: Path | None) -> str | None:
    """CHA-2: ``[animation] acteur`` of the profile at ``path``: who the ``rsgm`` commands act
    as when ``--par`` is not given (an id, id prefix or e-mail address); None when unset."""
    if path is None or not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
    value = data.get("animation", {}).get("acteur")
    return value.strip() or None if isinstance(value, str) else None


def _departements(reader: _Reader, territory: Mapping[str, Any]) -> list[str]:
    """TER-7: the departments of the CDG's territory, each a known code, none twice."""
    departements = reader.get(territory, "territoire", "departements", list, [])
    for index, code in enumerate(departements):
        where = f"territoire.departements[{index}]"
        if not isinstance(code, str):
            raise reader.fail(
                where,
                f'un code entre guillemets est attendu (par exemple "0{code}" ou "{code}"), '
                f"pas {code!r}",
                code,
            )
        try:
            validate_departement_code(code)
        except RsgmError:
            raise reader.fail(
                where, f"département inconnu : {code!r} (01 à 95, 2A, 2B ou 971 à 978)", code
            ) from None
        if code in departements[:index]:
            raise reader.fail(where, f"département en double : {code!r}", code)
    return departements


def cdg_code_from(short_name: str) -> str:
    """``CDG 77`` → ``cdg77``, ``CIG Grande Couronne`` → ``ciggrandecouronne``."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", short_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_-]", "", plain.lower())


def _identity(reader: _Reader, data: Any) -> CdgIdentity:
    keys = ("nom", "nom_court", "code", "lieu", "signataire", "qualite_signataire", "adresse",
            "siret", "courriel", "logo", "signature")  # fmt: skip
    table = reader.table(data, "cdg", keys)
    for key in ("nom", "nom_court", "code", "lieu", "signataire", "qualite_signataire"):
        if isinstance(table.get(key), str) and not table[key].strip():
            raise reader.fail(f"cdg.{key}", "texte vide : écrivez la valeur ou retirez la clé", "")
    short_name = reader.get(table, "cdg", "nom_court", str)
    code = reader.get(table, "cdg", "code", str, cdg_code_from(short_name))
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", code):
        raise reader.fail(
            "cdg.code",
            f"code {code!r} invalide : des minuscules sans accent, des chiffres, « - » ou « _ », "
            "sans espace (par exemple « cdg77 »)",
            code,
        )
    return reader.build(
        "cdg",
        lambda: CdgIdentity(
            name=reader.get(table, "cdg", "nom", str),
            short_name=short_name,
            code=code,
            place=reader.get(table, "cdg", "lieu", str, None),
            signatory_name=reader.get(table, "cdg", "signataire", str, None),
            signatory_title=reader.get(table, "cdg", "qualite_signataire", str, None),
            address=reader.get(table, "cdg", "adresse", str, ""),
            siret=_siret(reader, table),
            email=reader.get(table, "cdg", "courriel", str, None),
            logo=reader.path_of(table, "cdg", "logo"),
            signature_image=reader.path_of(table, "cdg", "signature"),
        ),
    )


def _siret(reader: _Reader, table: Mapping[str, Any]) -> str | None:
    from rsgm_core.domain.profile import validate_siret

    siret = reader.get(table, "cdg", "siret", str, None)
    if siret is None:
        return None
    compact = "".join(siret.split())
    return reader.build("cdg.siret", lambda: validate_siret(compact))


def _choice(
    reader: _Reader, table: Mapping[str, Any], path: str, key: str, enum: Any, default: Any
) -> Any:
    value = reader.get(table, path, key, str, default.value)
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(f"« {member.value} »" for member in enum)
        raise reader.fail(
            f"{path}.{key}", f"valeur inconnue {value!r} (au choix : {allowed})", value
        ) from None


def _policies(reader: _Reader, data: Mapping[str, Any], territory: Mapping[str, Any]) -> Policies:
    rules = reader.table(data.get("politiques", {}), "politiques",
                         ("acces_plateforme", "pack_pour_espace_communautaire",
                          "nouvelle_version_charte", "nouveaux_par_tuteur",
                           "age_depart_retraite"))  # fmt: skip
    calendar = reader.table(data.get("calendrier", {}), "calendrier",
                            ("lundi_de_pentecote_travaille",))  # fmt: skip
    retirement_age = reader.get(rules, "politiques", "age_depart_retraite", int, 64)
    reader.build("politiques.age_depart_retraite", lambda: check_retirement_age(retirement_age))
    return reader.build(
        "territoire.public_cible",
        lambda: Policies(
            access=_choice(
                reader, rules, "politiques", "acces_plateforme", AccessMode, AccessMode.INVITATION
            ),
            community_space_needs_pack=reader.get(
                rules, "politiques", "pack_pour_espace_communautaire", bool, False
            ),
            charter_change=_choice(
                reader,
                rules,
                "politiques",
                "nouvelle_version_charte",
                CharterChange,
                CharterChange.RESIGN,
            ),
            target_below=reader.get(territory, "territoire", "public_cible", int, 3_500),
            per_departement=reader.get(
                territory, "territoire", "reseau_par_departement", bool, False
            ),
            whit_monday_worked=reader.get(
                calendar, "calendrier", "lundi_de_pentecote_travaille", bool, False
            ),
            tutor_limit=_tutor_limit(reader, rules),  # MEM-13
            retirement_age=retirement_age,
        ),
    )


def _tutor_limit(reader: _Reader, rules: Mapping[str, Any]) -> int:
    """MEM-13: ``[politiques] nouveaux_par_tuteur``, a whole number from 1 to 20 (2 by default)."""
    value = reader.get(rules, "politiques", "nouveaux_par_tuteur", int, 2)
    if isinstance(value, bool) or not 1 <= value <= 20:
        raise reader.fail(
            "politiques.nouveaux_par_tuteur",
            f"nombre d'arrivants par tuteur invalide : {value!r} (un entier de 1 à 20, MEM-13)",
            value,
        )
    return int(value)


def _plugins(reader: _Reader, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    plugins: dict[str, dict[str, Any]] = {}
    for section, plugin, keys in (("smtp", "smtp", _SMTP_KEYS), ("envoi", "outbox", _OUTBOX_KEYS)):
        if section in data:
            table = reader.table(data[section], section, tuple(keys))
            plugins[plugin] = {keys[key]: value for key, value in table.items()}
    if "outbox" in plugins:
        _check_outbox(reader, plugins["outbox"])
    if "web" in data:  # NOT-3: the personal links
        plugins["web"] = web_options(reader, data["web"])
    extensions = data.get("extensions", {})
    if not isinstance(extensions, dict):
        raise reader.fail("extensions", f"une table est attendue, pas {extensions!r}", extensions)
    for name, options in extensions.items():
        if not isinstance(options, dict):
            raise reader.fail(
                f"extensions.{name}", f"une table est attendue, pas {options!r}", options
            )
        if name in ("smtp", "outbox", "web"):
            raise reader.fail(
                f"extensions.{name}",
                f"les options de « {name} » se règlent dans la section [{'envoi' if name == 'outbox' else name}]",
                name,
            )
        plugins[name] = dict(options)
    return plugins


def _check_outbox(reader: _Reader, options: Mapping[str, Any]) -> None:
    """NOT-1: the sending hours, days and retries of ``[envoi]``, refused here with their key."""
    from rsgm_core.domain.outbox_policy import policy_from_options

    try:
        policy_from_options(options)
    except RsgmError as exc:
        french = {option: key for key, option in _OUTBOX_KEYS.items()}
        option = re.match(r"outbox\.(\w+) : ", exc.message)
        key = french.get(option[1], option[1]) if option else ""
        why = exc.message[option.end() :] if option else exc.message
        raise reader.fail(f"envoi.{key}" if key else "envoi", why, exc.value, exc.rule) from None
    except (TypeError, ValueError) as exc:
        raise reader.fail("envoi", f"valeur illisible ({exc})", None) from None


_GRID_KEYS = ("exercice", "adopte_par", "strates", "taux_horaire_adherent",
              "taux_horaire_non_adherent", "arrondi_minutes", "stagiaires_mois",
              "stagiaires_demi_journees_sur_site", "demi_journee_minutes",
              "prestations_horaires", "articles")  # fmt: skip


def _grid(reader: _Reader, data: Any, path: str, cdg: CdgIdentity | None) -> TariffGrid:
    table = reader.table(data, path, _GRID_KEYS)
    if cdg is None:
        raise reader.fail(
            path, "une grille tarifaire appartient à un CDG : ajoutez la section [cdg]"
        )
    strata = []
    for index, entry in enumerate(reader.get(table, path, "strates", list)):
        where = f"{path}.strates[{index}]"
        row = reader.table(entry, where, ("de", "a", "cotisation"))
        strata.append(reader.build(where, partial(_stratum, reader, row, where)))
    for index, value in enumerate(reader.get(table, path, "prestations_horaires", list)):
        # TAR-8: the mandatory mission is free for every commune; the fee is not an hourly rate.
        if value in MANDATORY_MISSION or value == ServiceKind.MEMBERSHIP:
            why = (
                "relève de la mission obligatoire du CDG, gratuite pour toutes les communes : "
                "elle n'est jamais facturée (TAR-8)"
                if value in MANDATORY_MISSION
                else "est la cotisation annuelle, pas une prestation facturée à l'heure (TAR-5)"
            )
            raise reader.fail(f"{path}.prestations_horaires[{index}]", f"{value!r} {why}", value)
    catalogue = _catalogue(reader, table, path)
    return reader.build(
        path,
        lambda: TariffGrid(
            cdg=cdg.code,
            exercise=reader.get(table, path, "exercice", int),
            strata=tuple(strata),
            member_hourly_rate=reader.money(table, path, "taux_horaire_adherent"),
            non_member_hourly_rate=reader.money(table, path, "taux_horaire_non_adherent"),
            rounding=Rounding(reader.get(table, path, "arrondi_minutes", int, 1)),
            # TAR-6: the accompaniment a CDG includes is its own choice, never CDG 79's by default
            trainee_months=reader.get(table, path, "stagiaires_mois", int),
            trainee_onsite_half_days=reader.get(
                table, path, "stagiaires_demi_journees_sur_site", int
            ),
            half_day_minutes=reader.get(table, path, "demi_journee_minutes", int, 210),
            catalogue=catalogue,
            adopted_by=reader.get(table, path, "adopte_par", str, ""),
        ),
    )


def _stratum(reader: _Reader, row: Mapping[str, Any], where: str) -> Stratum:
    low, high = reader.get(row, where, "de", int), reader.get(row, where, "a", int)
    return Stratum(low, high, reader.money(row, where, "cotisation"))


def _catalogue(reader: _Reader, table: Mapping[str, Any], path: str) -> tuple[Any, ...]:
    """The catalogue's services (TAR-8) with the CDG's hourly services (TAR-5) and the article
    numbers of its own convention; a service whose article the grid does not give names none
    (never CDG 79's numbering)."""
    kinds = {kind.value: kind for kind in ServiceKind}
    hourly = reader.get(table, path, "prestations_horaires", list)
    articles = reader.get(table, path, "articles", dict, {})
    for index, value in enumerate(hourly or []):
        if value not in kinds:
            raise reader.fail(
                f"{path}.prestations_horaires[{index}]",
                f"prestation inconnue {value!r} (connues : {', '.join(kinds)})",
                value,
            )
    for key, value in articles.items():
        if key not in kinds or not isinstance(value, str):
            raise reader.fail(
                f"{path}.articles.{key}",
                f"prestation inconnue ou article illisible (connues : {', '.join(kinds)})",
                key,
            )
    return tuple(
        attrs.evolve(
            service,
            hourly=service.kind.value in hourly,
            article=articles.get(service.kind.value, ""),
        )
        for service in REFERENCE_CATALOGUE
    )


def example_profile(name: str) -> Path:
    """The path of a profile shipped with rsgm_core as an example (``"cdg79"``)."""
    from importlib.resources import files

    folder = Path(str(files("rsgm_core") / "profiles"))
    found = folder / f"{name}.toml"
    if name.startswith("_") or not found.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("[!_]*.toml")))
        raise ConfigurationError(
            f"profil d'exemple inconnu : {name!r} (disponibles : {known})", value=name
        )
    return found


def sample_census() -> Path:
    """The folder of the small census sample shipped with rsgm_core (Deux-Sèvres, Etalab)."""
    from importlib.resources import files

    return Path(str(files("rsgm_core") / "data" / "sample" / "79"))
