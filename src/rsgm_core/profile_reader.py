"""The tools behind :mod:`rsgm_core.profile_file`: the walker that reads a parsed profile key by key,
remembering where it is, so that every refusal names the file, the key's path, the reason and the
rule the key serves; TOML syntax errors told in French; the database URL resolved from the
profile's folder."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from rsgm_core.errors import ConfigurationError, RsgmError

__all__ = ["Reader", "database_url", "rule_of", "toml_error", "web_options"]

T = TypeVar("T")

# The rule each key serves, named in a refusal: the longest matching prefix of the key's path
# (list indexes left out) wins; a rule the refused value itself names comes first.
_RULES = {
    "cdg.siret": "TAR-4",
    "territoire.departements": "TER-7",
    "territoire.reseau_par_departement": "TER-7",
    "territoire.public_cible": "TER-3",
    "politiques.acces_plateforme": "CHA-2",
    "politiques.pack_pour_espace_communautaire": "CHA-3",
    "politiques.nouvelle_version_charte": "CHA-8",
    "politiques.age_depart_retraite": "IND-4",
    "calendrier.lundi_de_pentecote_travaille": "EVT-3",
    "tarifs": "TAR-2",
    "tarifs.strates": "TAR-1",
    "tarifs.taux_horaire_adherent": "TAR-5",
    "tarifs.taux_horaire_non_adherent": "TAR-5",
    "tarifs.arrondi_minutes": "TAR-5",
    "tarifs.prestations_horaires": "TAR-5",
    "tarifs.articles": "TAR-8",
    "web": "NOT-3",
}


class Reader:
    """Walks the parsed TOML, remembering where it is so that every error names the key's path."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder

    def fail(
        self, path: str, why: str, value: object = None, rule: str | None = None
    ) -> ConfigurationError:
        return ConfigurationError(
            f"profil {self.name} : {path} : {why}", rule=rule or rule_of(path), value=value
        )

    def own(self, exc: RsgmError) -> bool:
        """Whether ``exc`` is a refusal this reader wrote (it already names the key's path)."""
        return isinstance(exc, ConfigurationError) and exc.message.startswith(
            f"profil {self.name} : "
        )

    def table(
        self, data: Any, path: str, known: tuple[str, ...] | Mapping[str, Any]
    ) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, f"une table est attendue, pas {data!r}", data)
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise self.fail(
                f"{path}.{unknown[0]}" if path else unknown[0],
                f"clé inconnue (clés permises : {', '.join(known)})",
                unknown[0],
            )
        return data

    def get(
        self, data: Mapping[str, Any], path: str, key: str, kind: type[T], default: Any = ...
    ) -> T:
        where = f"{path}.{key}" if path else key
        if key not in data:
            if default is ...:
                raise self.fail(where, "clé obligatoire manquante")
            return default
        value = data[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(where, f"un nombre entier est attendu, pas {value!r}", value)
        if kind is str and not isinstance(value, str):
            raise self.fail(where, f"un texte entre guillemets est attendu, pas {value!r}", value)
        if kind is bool and not isinstance(value, bool):
            raise self.fail(where, f"true ou false est attendu, pas {value!r}", value)
        if kind is list and not isinstance(value, list):
            raise self.fail(where, f"une liste [ … ] est attendue, pas {value!r}", value)
        if kind is dict and not isinstance(value, dict):
            raise self.fail(where, f"une table {{ … }} est attendue, pas {value!r}", value)
        return value

    def money(self, data: Mapping[str, Any], path: str, key: str) -> str | int:
        value = data.get(key)
        where = f"{path}.{key}"
        if key not in data:
            raise self.fail(where, "clé obligatoire manquante")
        if isinstance(value, float):
            raise self.fail(
                where,
                f"montant écrit en nombre à virgule : écrivez-le entre guillemets (« {value} »), "
                "pour qu'il soit exact au centime",
                value,
            )
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(where, f"un montant est attendu, pas {value!r}", value)
        try:
            positive = Decimal(value.strip() if isinstance(value, str) else value) > 0
        except InvalidOperation:
            positive = True  # unreadable: the amount's own check says why
        if not positive:
            raise self.fail(where, f"un montant positif est attendu, pas {value!r}", value)
        return value

    def path_of(self, data: Mapping[str, Any], path: str, key: str) -> Path | None:
        text = self.get(data, path, key, str, None)
        if text is None:
            return None
        found = (self.folder / text).resolve()
        if not found.is_file():
            raise self.fail(f"{path}.{key}", f"fichier introuvable : {found}", text)
        return found

    def build(self, path: str, make: Callable[[], T]) -> T:
        """Run a constructor whose own checks raise ``RsgmError``, naming ``path`` in the error."""
        try:
            return make()
        except RsgmError as exc:
            if self.own(exc):
                raise
            raise self.fail(path, exc.message, exc.value, exc.rule) from None


def rule_of(path: str) -> str | None:
    """The rule a profile key serves (``tarifs[0].strates[1].cotisation`` → TAR-1), if any."""
    key = re.sub(r"\[\d+\]", "", path)
    while key:
        if key in _RULES:
            return _RULES[key]
        key = key.rpartition(".")[0]
    return None


_TOML_ERRORS = (  # tomllib speaks English; whoever edits a profile reads French
    (r"Cannot declare \((.*)\) twice", "section ou clé déclarée deux fois : {0}"),
    (r"Cannot overwrite a value", "clé écrite deux fois"),
    (r"Invalid value", "valeur illisible (un texte s'écrit entre guillemets)"),
    (r"Invalid statement", "ligne illisible"),
    (r"Expected newline or end of document after a statement", "une seule clé par ligne"),
    (r"Unterminated string", "guillemet fermant manquant"),
    (r"Invalid initial character for a key part", "nom de clé illisible"),
    (r"Expected '=' after a key in a key/value pair", "« = » attendu après la clé"),
)


def toml_error(message: str) -> str:
    """``Invalid value (at line 3, column 8)`` → ``TOML illisible, ligne 3, colonne 8 : …``."""
    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    text = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    for pattern, french in _TOML_ERRORS:
        if found := re.fullmatch(pattern, text):
            names = [".".join(re.findall(r"'([^']*)'", group)) for group in found.groups()]
            text = french.format(*names)
            break
    else:
        text = f"« {text} »"
    place = f", ligne {where[1]}, colonne {where[2]}" if where else ", en fin de fichier"
    return f"TOML illisible{place} : {text}"


def database_url(value: str, folder: Path) -> str:
    """``[base] url``: a bare path or a relative ``sqlite:///`` path starts from the profile's
    folder, not from wherever the command happens to run."""
    if "://" not in value:
        return f"sqlite:///{(folder / value).resolve()}"
    prefix = "sqlite:///"
    if value.startswith(prefix) and not value.startswith(prefix + "/"):
        path, mark, query = value[len(prefix) :].partition("?")
        if path and path != ":memory:":
            return f"{prefix}{(folder / path).resolve()}{mark}{query}"
    return value


def web_options(reader: Reader, data: Any) -> dict[str, Any]:
    """``[web]`` (NOT-3): the public base address of the links, the secret that signs them and
    the previous secrets still accepted after a rotation; the options of plugin ``web``
    (``public_url``, ``secret``, ``previous_secrets``)."""
    from rsgm_core.domain.links import check_public_url, check_secret

    table = reader.table(
        data,
        "web",
        (
            "url_publique",
            "secret",
            "secrets_precedents",
            "animateurs",
            "entete_proxy",
            "limite_par_minute",
        ),
    )
    options: dict[str, Any] = {}
    url = reader.get(table, "web", "url_publique", str, None)
    if url is not None:
        options["public_url"] = reader.build("web.url_publique", lambda: check_public_url(url))
    secret = reader.get(table, "web", "secret", str, None)
    if secret is not None:
        options["secret"] = reader.build("web.secret", lambda: check_secret(secret))
    previous = reader.get(table, "web", "secrets_precedents", list, [])
    for index, old in enumerate(previous):
        where = f"web.secrets_precedents[{index}]"
        if not isinstance(old, str):
            raise reader.fail(where, "un texte entre guillemets est attendu")
        reader.build(where, partial(check_secret, old))
    options["previous_secrets"] = tuple(s.strip() for s in previous)
    options.update(_web_login(reader, table))
    return options


def _web_login(reader: Reader, table: dict[str, Any]) -> dict[str, Any]:
    """``[web] animateurs`` / ``entete_proxy``: how the animators' pages of the web application
    know who is there (docs/web.md): a list of ``{email, mot_de_passe}`` (an scrypt hash), or
    the reverse proxy's header naming the authenticated user; one or the other. And
    ``limite_par_minute``: the link pages one client address may open a minute (0: no limit)."""
    animators = reader.get(table, "web", "animateurs", list, [])
    found = []
    for index, entry in enumerate(animators):
        where = f"web.animateurs[{index}]"
        item = reader.table(entry, where, ("email", "mot_de_passe"))
        email = reader.get(item, where, "email", str).strip().lower()
        if "@" not in email:
            raise reader.fail(f"{where}.email", f"adresse électronique attendue, pas {email!r}")
        hashed = reader.get(item, where, "mot_de_passe", str)
        if not hashed.startswith("scrypt$"):  # the web extra checks the rest when it starts
            raise reader.fail(
                f"{where}.mot_de_passe",
                "une empreinte « scrypt$… » est attendue, jamais le mot de passe en clair : "
                "produisez-la avec « rsgm web hash-password »",
            )
        found.append({"email": email, "password_hash": hashed.strip()})
    header = reader.get(table, "web", "entete_proxy", str, None)
    if header is not None and not re.fullmatch(r"[A-Za-z0-9-]{1,64}", header.strip()):
        raise reader.fail("web.entete_proxy", f"nom d'en-tête HTTP invalide : {header!r}", header)
    if header is not None and found:
        raise reader.fail(
            "web.entete_proxy",
            "animateurs et entete_proxy s'excluent : choisissez les mots de passe du profil ou "
            "l'en-tête du serveur frontal",
        )
    options: dict[str, Any] = {"animators": tuple(found)} if found else {}
    if header is not None:
        options["proxy_header"] = header.strip()
    limit = reader.get(table, "web", "limite_par_minute", int, None)
    if limit is not None:
        if not 0 <= limit <= 10_000:
            raise reader.fail(
                "web.limite_par_minute", f"de 0 (sans limite) à 10000 attendu, pas {limit}", limit
            )
        options["rate_per_minute"] = limit
    return options
