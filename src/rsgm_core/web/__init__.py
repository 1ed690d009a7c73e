"""The web application of the ``web`` extra (``pip install "rsgm_core[web]"``, docs/web.md): the
pages where members act on their personal links (NOT-3) and the animators' page of today's
tasks, server-rendered in French, working without JavaScript.

``create_app(app)`` returns an ASGI application (Starlette) that a CDG mounts in its own site
or that ``rsgm serve`` runs alone with uvicorn. Imported lazily: :mod:`rsgm_core.web.passwords`
works without the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rsgm_core.web.application import create_app
    from rsgm_core.web.config import RateLimit, WebConfig
    from rsgm_core.web.passwords import hash_password, verify_password
    from rsgm_core.web.security import TokenLogFilter

__all__ = [
    "RateLimit",
    "TokenLogFilter",
    "WebConfig",
    "create_app",
    "hash_password",
    "verify_password",
]

_LAZY = {
    "create_app": "rsgm_core.web.application",
    "RateLimit": "rsgm_core.web.config",
    "WebConfig": "rsgm_core.web.config",
    "hash_password": "rsgm_core.web.passwords",
    "verify_password": "rsgm_core.web.passwords",
    "TokenLogFilter": "rsgm_core.web.security",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rsgm_core.web' has no attribute {name!r}")
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name in ("starlette", "multipart", "python_multipart"):
            from rsgm_core.errors import ConfigurationError

            raise ConfigurationError(
                "l'application web demande l'extension « web » : pip install \"rsgm_core[web]\"",
                value=exc.name,
            ) from None
        raise
