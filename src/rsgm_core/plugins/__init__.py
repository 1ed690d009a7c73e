"""Built-in plugins, registered exactly like third-party ones (see ``plugin_manager``).

Each module is imported at start-up, so none may import a heavy dependency at module level:
SQLAlchemy, Jinja2 and the like are imported inside the hook that needs them.
"""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "rsgm_core.plugins.memory",
    "rsgm_core.plugins.sql",
    "rsgm_core.plugins.decoupage",
    "rsgm_core.plugins.log_notifier",
    "rsgm_core.plugins.smtp",
    "rsgm_core.plugins.templates_fr",
    "rsgm_core.plugins.holidays_fr",
    "rsgm_core.plugins.school_calendar_fr",
    "rsgm_core.plugins.vocabularies",
    "rsgm_core.plugins.interstis",
)
