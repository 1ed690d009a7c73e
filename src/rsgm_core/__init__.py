"""rsgm_core: run a Centre de gestion's network of secrétaires généraux de mairie.

>>> import rsgm_core
>>> with rsgm_core.open("memory://") as app:    # or "sqlite:///cdg79.db"
...     app.census.territory() is None
True

Everything a caller needs is here; the rest may move between versions.
"""

from importlib.metadata import PackageNotFoundError, version

from rsgm_core.app import App, default_url, open
from rsgm_core.errors import (
    ConflictError,
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

try:
    __version__ = version("rsgm_core")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "App",
    "ConflictError",
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
