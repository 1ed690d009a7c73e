"""Use cases: each loads from storage, decides with the domain, saves, inside one unit of work.

A use case is a method of a small collaborator built on a :class:`~rsgm_core.services.deps.Deps`
(the ports: storage, hooks, settings, clock), one per area of the facade (``app.members`` is a
:class:`~rsgm_core.services.members.MemberService`). :meth:`Deps.transaction
<rsgm_core.services.deps.Deps.transaction>` is the one place that opens, commits and rolls back a
unit of work for writing, and :meth:`Deps.read <rsgm_core.services.deps.Deps.read>` the one for
reading; no public method takes a unit of work. Use cases that compose others call private module
functions ``_name(uow, deps, …)`` inside the same unit of work (``members._add_member``,
``memberships._join``), so the whole is all or nothing.

Services are reached through an opened :class:`~rsgm_core.app.App`; they are the only layer that
combines domain rules, storage and hooks, and they never import a plugin, the command line or the
demo.
"""
