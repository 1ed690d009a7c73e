"""Use cases: each loads from storage, decides with the domain, saves, inside one unit of work.

Services are reached through an opened :class:`~rsgm_core.app.App` (``app.census``,
``app.members``, ``app.outbox``); they are the only layer that combines domain rules, storage and
hooks.
"""
