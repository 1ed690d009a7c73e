"""The outbox's options as the profile and the environment give them: what opening an app checks
(:func:`rsgm_core.app.open`), without importing the outbox's service and its records."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["OPTION_ENV", "outbox_options"]

OPTION_ENV = {  # for the `rsgm` command, whose settings are the defaults
    "hours": "RSGM_OUTBOX_HOURS",
    "days": "RSGM_OUTBOX_DAYS",
    "max_per_hour": "RSGM_OUTBOX_MAX_PER_HOUR",
}


def outbox_options(settings_plugin: Any) -> dict[str, Any]:
    """``Settings.plugin("outbox")``, completed by the ``RSGM_OUTBOX_*`` environment variables."""
    options = dict(settings_plugin("outbox"))
    for key, variable in OPTION_ENV.items():
        value = os.environ.get(variable)
        if value and key not in options:
            options[key] = int(value) if value.isdigit() else value
    return options
