"""The current SQL schema, as SQLAlchemy Core tables; repositories read and write through these.

The migrations in ``migrations.py`` are the history that builds this schema; a test checks that a
database migrated from nothing matches these definitions exactly. Column names are the record's
field names: values are stored as the converter unstructures them (ISO text for dates, text for
``Decimal``, JSON for tuples), so both backends and every export see the same representation.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

Text = sa.Text

schema_migrations = sa.Table(
    "rsgm_schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", Text, nullable=False),
    sa.Column("applied_at", Text, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", Text, primary_key=True),
    sa.Column("value", Text, nullable=False),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("created_at", Text, nullable=False),
    sa.Column("template", Text, nullable=False),
    sa.Column("recipient", Text, nullable=False),
    sa.Column("subject", Text, nullable=False),
    sa.Column("body_text", Text, nullable=False),
    sa.Column("body_html", Text),
    sa.Column("status", Text, nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", Text),
    sa.Column("last_attempt_at", Text),
    sa.Column("sent_at", Text),
    sa.Column("message_id", Text),
    # Added by migration 4 (ALTER TABLE appends, so they stay last).
    sa.Column("next_attempt_at", Text),
    sa.Column("list_unsubscribe", Text),
    sa.Column("attachments", sa.JSON, nullable=False, server_default="[]"),
)

census_imports = sa.Table(
    "census_imports",
    metadata,
    sa.Column("vintage", Text, primary_key=True),
    sa.Column("cog_year", sa.Integer, nullable=False),
    sa.Column("population_vintage", sa.Integer, nullable=False),
    sa.Column("departements", sa.JSON, nullable=False),
    sa.Column("imported_at", Text, nullable=False),
    sa.Column("source", Text, nullable=False),
)

departements = sa.Table(
    "departements",
    metadata,
    sa.Column("code", Text, primary_key=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("region", Text, nullable=False),
)

arrondissements = sa.Table(
    "arrondissements",
    metadata,
    sa.Column("code", Text, primary_key=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("departement", Text, nullable=False),
)

epcis = sa.Table(
    "epcis",
    metadata,
    sa.Column("siren", Text, primary_key=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("kind", Text, nullable=False),
    sa.Column("financing", Text, nullable=False),
)

communes = sa.Table(
    "communes",
    metadata,
    sa.Column("code", Text, primary_key=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("departement", Text, nullable=False, index=True),
    sa.Column("region", Text, nullable=False),
    sa.Column("siren", Text),
    sa.Column("arrondissement", Text),
    sa.Column("postcodes", sa.JSON, nullable=False),
    sa.Column("epci", Text, index=True),
    sa.Column("status", Text, nullable=False),
    sa.Column("successor", Text),
)

populations = sa.Table(
    "populations",
    metadata,
    sa.Column("commune", Text, primary_key=True),
    sa.Column("vintage", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("municipale", sa.Integer, nullable=False),
    sa.Column("totale", sa.Integer),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("first_name", Text, nullable=False),
    sa.Column("last_name", Text, nullable=False),
    sa.Column("email", Text, index=True),
    # Added by migration 5 (ALTER TABLE appends, so they stay last).
    sa.Column("phone", Text),
    sa.Column("lifecycle", Text, nullable=False, server_default="actif"),
    sa.Column("arrival", Text),
    sa.Column("departed_on", Text),
    sa.Column("departure_reason", Text),
    sa.Column("successor_id", Text),
    sa.Column("leaving_on", Text),
    sa.Column("helper", sa.Boolean, nullable=False, server_default=sa.false(), index=True),
    sa.Column("platform_access", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("photo", Text),
    sa.Column("erased_on", Text),
)

positions = sa.Table(
    "positions",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("commune", Text, sa.ForeignKey("communes.code"), nullable=False, index=True),
    sa.Column("function", Text, nullable=False),
    sa.Column("work_time", Text, nullable=False),
    sa.Column("status", Text, nullable=False),
    sa.Column("permanent", sa.Boolean, nullable=False),
    sa.Column("start", Text),
    sa.Column("end", Text),
)

# The membership pack (TAR-1..TAR-8), migration 3. The commune is ``insee``, as in the domain.

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("insee", Text, sa.ForeignKey("communes.code"), nullable=False, index=True),
    sa.Column("year", sa.Integer, nullable=False, index=True),
    sa.Column("fee", Text, nullable=False),
    sa.Column("joined_on", Text, nullable=False),
)

conventions = sa.Table(
    "conventions",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("insee", Text, sa.ForeignKey("communes.code"), nullable=False, index=True),
    sa.Column("signed_on", Text, nullable=False),
    sa.Column("reference", Text, nullable=False),
    sa.Column("notice", sa.JSON),
)

trainees = sa.Table(
    "trainees",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("person", Text, nullable=False),
    sa.Column("first_job_start", Text, nullable=False),
    sa.Column("programme", Text, nullable=False),
)

interventions = sa.Table(
    "interventions",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("insee", Text, sa.ForeignKey("communes.code"), nullable=False, index=True),
    sa.Column("on", Text, nullable=False),
    sa.Column("kind", Text, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("on_site", sa.Boolean, nullable=False),
    sa.Column("trainee", sa.JSON),  # the trainee as billed (TAR-6)
    sa.Column("description", Text, nullable=False),
    sa.Column("ref", Text, nullable=False),
)

# The directory and the network (MEM-2..MEM-11, NET-1..NET-4), migration 5.

directory_facts = sa.Table(
    "directory_facts",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("value", Text, nullable=False),
    sa.Column("key", Text, nullable=False, index=True),
    sa.Column("mastered", sa.Boolean, nullable=False),
)

town_halls = sa.Table(
    "town_halls",
    metadata,
    sa.Column("commune", Text, sa.ForeignKey("communes.code"), primary_key=True),
    sa.Column("address", Text, nullable=False),
    sa.Column("opening_hours", Text, nullable=False),
    sa.Column("phone", Text),
    sa.Column("email", Text),
)

consents = sa.Table(
    "consents",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("scope", Text, nullable=False),
    sa.Column("given_on", Text, nullable=False),
    sa.Column("withdrawn_on", Text),
)

onboarding_items = sa.Table(
    "onboarding_items",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("step", Text, nullable=False),
    sa.Column("due", Text, nullable=False),
    sa.Column("done_on", Text),
)

networks = sa.Table(
    "networks",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("name", Text, nullable=False),
    sa.Column("epci", Text, sa.ForeignKey("epcis.siren")),
    sa.Column("referent_id", Text, sa.ForeignKey("members.id")),
    sa.Column("project_lead", Text),
    sa.Column("charter", sa.JSON),  # NET-4
    sa.Column("objectives", sa.JSON, nullable=False),
    sa.Column("created_on", Text),
)

network_roles = sa.Table(
    "network_roles",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("network_id", Text, sa.ForeignKey("networks.id"), nullable=False, index=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("role", Text, nullable=False),
    sa.Column("since", Text, nullable=False),
    sa.Column("until", Text),
    sa.Column("theme", Text),
)

attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("event", Text, nullable=False),
    sa.Column("on", Text, nullable=False),
    sa.Column("registered", sa.Boolean, nullable=False),
    sa.Column("attended", sa.Boolean, nullable=False),
)

partners = sa.Table(
    "partners",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("organisation", Text, nullable=False),
    sa.Column("category", Text, nullable=False),
    sa.Column("contact", Text),
    sa.Column("themes", sa.JSON, nullable=False),
    sa.Column("years", sa.JSON, nullable=False),
    sa.Column("reviewed_on", Text),
)

committees = sa.Table(
    "committees",
    metadata,
    sa.Column("kind", Text, primary_key=True),
    sa.Column("seats", sa.JSON, nullable=False),  # NET-2, NET-3
    sa.Column("meetings", sa.JSON, nullable=False),
    sa.Column("created_on", Text),
)

# Events and continuous animation (EVT-1..EVT-10, SUR-1), migration 6.

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("title", Text, nullable=False),
    sa.Column("kind", Text, nullable=False),
    sa.Column("format", Text, nullable=False),
    sa.Column("topics", sa.JSON, nullable=False),
    sa.Column("cost", Text, nullable=False),
    sa.Column("host_commune", Text, sa.ForeignKey("communes.code"), index=True),
    sa.Column("network_id", Text),
    sa.Column("planned_on", Text),
    sa.Column("late", sa.Boolean, nullable=False),
    sa.Column("invited", sa.Integer, nullable=False),
    sa.Column("done", sa.JSON, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("event_id", Text, sa.ForeignKey("events.id"), nullable=False, index=True),
    sa.Column("date", Text, nullable=False, index=True),
    sa.Column("place", Text, nullable=False),
    sa.Column("deadline", Text, nullable=False),
    sa.Column("capacity", sa.Integer),
    sa.Column("start", Text, nullable=False),
    sa.Column("end", Text, nullable=False),
)

registrations = sa.Table(
    "registrations",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("session_id", Text, sa.ForeignKey("sessions.id"), nullable=False, index=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("registered_on", Text, nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("status", Text, nullable=False),
    sa.Column("attended", sa.Boolean),
)

surveys = sa.Table(
    "surveys",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("title", Text, nullable=False),
    sa.Column("opened_on", Text, nullable=False),
    sa.Column("invited", sa.Integer, nullable=False),
    sa.Column("event_id", Text, sa.ForeignKey("events.id"), index=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id")),
)

survey_answers = sa.Table(
    "survey_answers",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("survey_id", Text, sa.ForeignKey("surveys.id"), nullable=False, index=True),
    sa.Column("answered_on", Text, nullable=False),
    sa.Column("score", sa.Integer),
    sa.Column("member_id", Text, sa.ForeignKey("members.id")),
    sa.Column("comment", Text, nullable=False),
)

newsletters = sa.Table(
    "newsletters",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("sent_on", Text, nullable=False, index=True),
    sa.Column("subject", Text, nullable=False),
    sa.Column("recipients", sa.Integer, nullable=False),
    sa.Column("forced", sa.Boolean, nullable=False),
)

recurring_series = sa.Table(
    "recurring_series",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("title", Text, nullable=False),
    sa.Column("kind", Text, nullable=False),
    sa.Column("format", Text, nullable=False),
    sa.Column("start", Text, nullable=False),
    sa.Column("rule", Text, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("place", Text, nullable=False),
    sa.Column("network_id", Text),
)

# The usage charter and platform access (migration 7).

charter_versions = sa.Table(
    "charter_versions",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("published_on", Text, nullable=False),
    sa.Column("title", Text, nullable=False),
    sa.Column("text", Text, nullable=False),
)

signatures = sa.Table(
    "signatures",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("commune", Text, sa.ForeignKey("communes.code"), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("signer", Text, nullable=False),
    sa.Column("capacity", Text, nullable=False),
    sa.Column("signed_on", Text, nullable=False),
    sa.Column("space", Text, nullable=False),
)

spaces = sa.Table(
    "spaces",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("name", Text, nullable=False),
    sa.Column("epci", Text),
    sa.Column("read_only", sa.Boolean, nullable=False),
)

grants = sa.Table(
    "grants",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("space_id", Text, sa.ForeignKey("spaces.id"), nullable=False),
    sa.Column("role", Text, nullable=False),
    sa.Column("granted_on", Text, nullable=False),
    sa.Column("granted_by", Text, nullable=False),
    sa.Column("revoked_on", Text),
    sa.Column("reason", Text),
    sa.Column("commune", Text, sa.ForeignKey("communes.code"), index=True),
)

cdg_staff = sa.Table(
    "cdg_staff",
    metadata,
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("administrator", sa.Boolean, nullable=False),
    sa.Column("since", Text),
)

agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("space_id", Text, sa.ForeignKey("spaces.id"), nullable=False),
    sa.Column("party", Text, nullable=False),
    sa.Column("given_by", Text, nullable=False),
    sa.Column("given_on", Text, nullable=False),
)

abuse_reports = sa.Table(
    "abuse_reports",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("reported_by", Text, nullable=False),
    sa.Column("reported_on", Text, nullable=False),
    sa.Column("reason", Text, nullable=False),
    sa.Column("space_id", Text),
    sa.Column("sanction_id", Text),
)

sanctions = sa.Table(
    "sanctions",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("decided_on", Text, nullable=False),
    sa.Column("decided_by", Text, nullable=False),
    sa.Column("reason", Text, nullable=False),
    sa.Column("report_id", Text),
    sa.Column("lowered", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("lifted_on", Text),
    sa.Column("lifted_by", Text),
    sa.Column("lift_reason", Text),
)

employer_notices = sa.Table(
    "employer_notices",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("commune", Text, sa.ForeignKey("communes.code"), index=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("on", Text, nullable=False),
    sa.Column("sendable", sa.Boolean, nullable=False),
    sa.Column("message_id", Text),
    sa.Column("detail", Text, nullable=False),
)

platform_exports = sa.Table(
    "platform_exports",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("platform", Text, nullable=False, index=True),
    sa.Column("exported_at", Text, nullable=False),
    sa.Column("full", sa.Boolean, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),
)

resources = sa.Table(
    "resources",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("title", Text, nullable=False),
    sa.Column("body", Text, nullable=False),
    sa.Column("themes", sa.JSON, nullable=False),
    sa.Column("author_id", Text, nullable=False),
    sa.Column("status", Text, nullable=False),
    sa.Column("review_on", Text),
    sa.Column("software", sa.JSON, nullable=False),
    sa.Column("shared_with_partners", sa.Boolean, nullable=False),
    sa.Column("published_on", Text),
)

resource_attachments = sa.Table(
    "resource_attachments",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("resource_id", Text, nullable=False, index=True),
    sa.Column("name", Text, nullable=False),
    sa.Column("media_type", Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", Text, nullable=False),
    sa.Column("added_on", Text, nullable=False),
)

resource_followers = sa.Table(
    "resource_followers",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("resource_id", Text, nullable=False, index=True),
    sa.Column("member_id", Text, sa.ForeignKey("members.id"), nullable=False),
)

advice_requests = sa.Table(
    "advice_requests",
    metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("commune", Text, nullable=False, index=True),
    sa.Column("requester", Text, nullable=False),
    sa.Column("channel", Text, nullable=False),
    sa.Column("theme", Text, nullable=False),
    sa.Column("question", Text, nullable=False),
    sa.Column("received_at", Text, nullable=False),
    sa.Column("answered_at", Text),
    sa.Column("answer", Text),
    sa.Column("minutes_spent", sa.Integer, nullable=False),
    sa.Column("referred_to", Text),
    sa.Column("faq_id", Text),
)
