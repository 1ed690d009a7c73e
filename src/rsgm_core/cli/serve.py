"""``rsgm serve``: run the web application of the personal links and the animators' page alone,
with uvicorn (the ``web`` extra, docs/web.md); ``rsgm web hash-password``: the scrypt hash of an
animator's password for the profile's ``[web] animateurs``."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from typing import Any

from rsgm_core.cli.common import add_db_option, add_group, load_settings, open_app, whole_number
from rsgm_core.errors import ConfigurationError, ValidationError

__all__ = ["register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="servir les pages des liens personnels et des animateurs (extension web)",
        description=(
            "Lancer l'application web : les pages où les membres agissent par leur lien "
            "personnel et la page des tâches des animateurs. Demande la section [web] du profil "
            '(url_publique, secret) et l\'extension web (pip install "rsgm_core[web]"). '
            "Exemple : rsgm serve --config rsgm.toml --port 8000"
        ),
    )
    add_db_option(parser)
    parser.add_argument(
        "--adresse", "--host", dest="host", default="127.0.0.1", metavar="ADRESSE",
        help="adresse d'écoute (défaut : 127.0.0.1, derrière le serveur frontal)",
    )  # fmt: skip
    parser.add_argument(
        "--port", type=whole_number, default=8000, metavar="PORT", help="port (défaut : 8000)"
    )
    parser.add_argument(
        "--proxy-de-confiance", dest="trusted", default="127.0.0.1", metavar="ADRESSES",
        help="adresses des serveurs frontaux dont l'en-tête X-Forwarded-For est cru, séparées "
        "par des virgules (défaut : 127.0.0.1)",
    )  # fmt: skip
    parser.set_defaults(handler=_serve)

    actions = add_group(commands, "web", "outils de l'application web")
    hashing = actions.add_parser(
        "hash-password",
        help="empreinte scrypt d'un mot de passe d'animateur pour [web] animateurs",
        description=(
            "Lire un mot de passe (saisi deux fois, ou une ligne de l'entrée standard) et "
            "afficher son empreinte scrypt, à copier dans la section [web] du profil. "
            "Exemple : rsgm web hash-password --email anne.durand@cdg79.fr"
        ),
    )
    hashing.add_argument("--email", metavar="ADRESSE", help="l'adresse de l'animateur")
    hashing.set_defaults(handler=_hash_password)


def _serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise ValidationError(f"port invalide : {args.port} (de 1 à 65535)", value=args.port)
    from rsgm_core.services.links import required_keys

    required_keys(load_settings(args))  # the profile's [web] first: what to set
    try:
        import uvicorn

        from rsgm_core.web import create_app
        from rsgm_core.web.security import install_log_filter, redact
    except ModuleNotFoundError as exc:
        raise ConfigurationError(
            '« rsgm serve » demande l\'extension web : pip install "rsgm_core[web]"',
            value=exc.name,
        ) from None
    with open_app(args) as app:
        web = create_app(app)
        config = uvicorn.Config(
            web,
            host=args.host,
            port=args.port,
            proxy_headers=True,
            forwarded_allow_ips=args.trusted,
            server_header=False,
            log_level="warning",
        )
        install_log_filter()  # after uvicorn configured its loggers: tokens never reach them
        import logging

        logging.getLogger("uvicorn.access").setLevel(logging.INFO)
        public = web.state.site.config.public_url
        print(
            f"rsgm : application web sur http://{args.host}:{args.port} (adresse publique des "
            f"liens : {redact(public)}) ; Ctrl+C pour arrêter",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops, then passes Ctrl+C on
            uvicorn.Server(config).run()
    print("rsgm : application web arrêtée", flush=True)
    return 0


def _hash_password(args: argparse.Namespace) -> int:
    from rsgm_core.web.passwords import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Le même, encore : ") != password:
            raise ValidationError("les deux saisies diffèrent : rien n'est produit", rule="CHA-2")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    hashed = hash_password(password)
    email = (args.email or "ADRESSE").strip()
    print("Empreinte à copier dans la section [web] du profil (le mot de passe n'y figure pas) :")
    print(f'animateurs = [{{ email = "{email}", mot_de_passe = "{hashed}" }}]')
    return 0
