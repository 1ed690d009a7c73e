"""``rsgm db init|upgrade|info|reindex``."""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from rsgm_core.cli.common import add_action, add_group, load_settings, open_app
from rsgm_core.cli.database import chosen_database, sqlite_file


def register(commands: Any) -> None:
    actions = add_group(commands, "db", "créer, mettre à jour ou décrire la base")
    for name, handler, text in (
        ("init", _init, "créer la base si elle manque (ou vérifier qu'elle est à jour)"),
        ("upgrade", _upgrade, "mettre à jour le schéma d'une base ancienne"),
        ("info", _info, "décrire la base : version du schéma, contenu, extensions"),
        ("reindex", _reindex, "reconstruire les index de recherche plein texte (SQLite)"),
    ):
        add_action(actions, name, text, handler)


def _init(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    file = sqlite_file(chosen_database(args, settings, create=True))
    existed = file is None or file.exists()
    with open_app(args, create=True, settings=settings) as app:  # the one that may create it
        info = app.storage.info()
    done = "base prête" if existed else "base créée"
    print(f"{done} : {info['url']} (schéma {info['schema_version']})")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        applied = getattr(app.storage, "applied", [])
        info = app.storage.info()
        if applied:
            for migration in applied:
                print(f"migration {migration.version} appliquée : {migration.description}")
        print(f"schéma à jour : version {info['schema_version']}")
    return 0


def _info(args: argparse.Namespace) -> int:
    profile = load_settings(args)
    plugins = {**profile.plugins, "sql": {**profile.plugin("sql"), "upgrade": False}}
    with open_app(args, settings=attrs.evolve(profile, plugins=plugins)) as app:
        info = app.info()
        territory = app.census.territory()
    print(f"base : {info['url']} ({info['backend']})")
    print(f"schéma : version {info['schema_version']}")
    print(
        f"territoire : {', '.join(sorted(territory.departements)) if territory else 'aucun recensement importé'}"
    )
    print(f"extensions : {', '.join(info['plugins'])}")
    for name, count in info["counts"].items():
        print(f"  {name} : {count}")
    return 0


def _reindex(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        rebuilt = app.storage.reindex()
    if rebuilt:
        print(f"index reconstruits : {', '.join(rebuilt)}")
    else:
        print("aucun index plein texte dans cette base : la recherche classe en Python")
    return 0
