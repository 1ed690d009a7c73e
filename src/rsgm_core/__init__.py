"""rsgm_core: run a Centre de gestion's network of secrétaires généraux de mairie.

>>> import rsgm_core
>>> with rsgm_core.open("memory://") as app:    # or "sqlite:///cdg79.db"
...     app.census.territory() is None
True

Everything a caller needs is here; the rest may move between versions.
"""

from typing import Any

from rsgm_core.app import App, default_url, open
from rsgm_core.errors import (
    ConfigurationError,
    ConflictError,
    DeliveryError,
    MissingExtraError,
    NotFoundError,
    PluginError,
    RsgmError,
    RuleViolation,
    SourceDataError,
    StorageError,
    UnsupportedSchemaError,
    ValidationError,
)
from rsgm_core.hookspecs import hookimpl
from rsgm_core.settings import Settings


def __getattr__(name: str) -> Any:
    # importlib.metadata costs a third of the import time; read the version only when asked.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("rsgm_core")
        except PackageNotFoundError:  # a source tree that was not installed
            return "0.0.0"
    raise AttributeError(f"module 'rsgm_core' has no attribute {name!r}")


__all__ = [
    "App",
    "ConfigurationError",
    "ConflictError",
    "DeliveryError",
    "MissingExtraError",
    "NotFoundError",
    "PluginError",
    "RsgmError",
    "RuleViolation",
    "Settings",
    "SourceDataError",
    "StorageError",
    "UnsupportedSchemaError",
    "ValidationError",
    "__version__",
    "default_url",
    "hookimpl",
    "open",
]
