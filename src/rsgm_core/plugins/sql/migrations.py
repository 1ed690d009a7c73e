"""Versioned schema migrations.

The mechanism, in full:

* ``rsgm_schema_migrations`` holds one row per migration applied (version, description, time).
* :data:`MIGRATIONS` is the ordered history. Each entry is frozen once released: it is plain DDL,
  written for both SQLite and PostgreSQL, and never refers to the current ``tables.py``, so an old
  database replays exactly what a new one did. A change of schema is a new entry at the end.
* Opening a database applies the missing migrations in one transaction (all or nothing). A database
  whose version is above :data:`SCHEMA_VERSION` was written by a newer rsgm_core: it is refused,
  untouched, with :class:`~rsgm_core.errors.UnsupportedSchemaError`.
* A test migrates an empty database and compares it with ``tables.py``, so the two cannot drift.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.errors import StorageError, UnsupportedSchemaError

if TYPE_CHECKING:  # imported by the functions that run statements: SCHEMA_VERSION needs none
    import sqlalchemy as sa


@attrs.frozen
class Migration:
    """``statements`` run on every backend. ``rebuild_indexes`` (re)builds SQLite's FTS5 text
    indexes from their collections (:func:`rsgm_core.plugins.sql.search.rebuild`) once the upgrade
    has run every migration: index rows are derived data, written by the current code."""

    version: int
    description: str
    statements: tuple[str, ...]
    rebuild_indexes: bool = False


def _ddl(script: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in script.split(";") if s.strip())


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "socle : paramètres et boîte d'envoi",
        _ddl("""
        CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE outbox (
            id TEXT NOT NULL PRIMARY KEY, created_at TEXT NOT NULL, template TEXT NOT NULL,
            recipient TEXT NOT NULL, subject TEXT NOT NULL, body_text TEXT NOT NULL,
            body_html TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT,
            last_attempt_at TEXT, sent_at TEXT, message_id TEXT);
        CREATE INDEX ix_outbox_status ON outbox (status)
        """),
    ),
    Migration(
        2,
        "territoire : recensement, communes, EPCI, populations, membres et postes",
        _ddl("""
        CREATE TABLE census_imports (
            vintage TEXT NOT NULL PRIMARY KEY, cog_year INTEGER NOT NULL,
            population_vintage INTEGER NOT NULL, departements JSON NOT NULL,
            imported_at TEXT NOT NULL, source TEXT NOT NULL);
        CREATE TABLE departements (
            code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);
        CREATE TABLE arrondissements (
            code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, departement TEXT NOT NULL);
        CREATE TABLE epcis (
            siren TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
            financing TEXT NOT NULL);
        CREATE TABLE communes (
            code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, departement TEXT NOT NULL,
            region TEXT NOT NULL, siren TEXT, arrondissement TEXT, postcodes JSON NOT NULL,
            epci TEXT, status TEXT NOT NULL, successor TEXT);
        CREATE INDEX ix_communes_departement ON communes (departement);
        CREATE INDEX ix_communes_epci ON communes (epci);
        CREATE TABLE populations (
            commune TEXT NOT NULL, vintage INTEGER NOT NULL, municipale INTEGER NOT NULL,
            totale INTEGER, PRIMARY KEY (commune, vintage));
        CREATE TABLE members (
            id TEXT NOT NULL PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
            email TEXT);
        CREATE TABLE positions (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            commune TEXT NOT NULL REFERENCES communes (code), function TEXT NOT NULL,
            work_time TEXT NOT NULL, status TEXT NOT NULL, permanent BOOLEAN NOT NULL,
            start TEXT, "end" TEXT);
        CREATE INDEX ix_positions_member_id ON positions (member_id);
        CREATE INDEX ix_positions_commune ON positions (commune)
        """),
    ),
    Migration(
        3,
        "pack d'adhésion : adhésions, conventions, stagiaires et interventions",
        _ddl("""
        CREATE TABLE memberships (
            id TEXT NOT NULL PRIMARY KEY, insee TEXT NOT NULL REFERENCES communes (code),
            year INTEGER NOT NULL, fee TEXT NOT NULL, joined_on TEXT NOT NULL);
        CREATE INDEX ix_memberships_insee ON memberships (insee);
        CREATE INDEX ix_memberships_year ON memberships (year);
        CREATE TABLE conventions (
            id TEXT NOT NULL PRIMARY KEY, insee TEXT NOT NULL REFERENCES communes (code),
            signed_on TEXT NOT NULL, reference TEXT NOT NULL, notice JSON);
        CREATE INDEX ix_conventions_insee ON conventions (insee);
        CREATE TABLE trainees (
            id TEXT NOT NULL PRIMARY KEY, person TEXT NOT NULL, first_job_start TEXT NOT NULL,
            programme TEXT NOT NULL);
        CREATE TABLE interventions (
            id TEXT NOT NULL PRIMARY KEY, insee TEXT NOT NULL REFERENCES communes (code),
            "on" TEXT NOT NULL, kind TEXT NOT NULL, minutes INTEGER NOT NULL,
            on_site BOOLEAN NOT NULL, trainee JSON, description TEXT NOT NULL, ref TEXT NOT NULL);
        CREATE INDEX ix_interventions_insee ON interventions (insee)
        """),
    ),
    Migration(
        4,
        "boîte d'envoi : prochain essai, désinscription, pièces jointes",
        _ddl("""
        ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
        ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
        ALTER TABLE outbox ADD COLUMN attachments JSON NOT NULL DEFAULT '[]'
        """),
    ),
    Migration(
        5,
        "annuaire et réseau : fiches, consentements, intégration, rôles, présences, partenaires, "
        "réseaux et comités",
        _ddl("""
        ALTER TABLE members ADD COLUMN phone TEXT;
        ALTER TABLE members ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'actif';
        ALTER TABLE members ADD COLUMN arrival TEXT;
        ALTER TABLE members ADD COLUMN departed_on TEXT;
        ALTER TABLE members ADD COLUMN departure_reason TEXT;
        ALTER TABLE members ADD COLUMN successor_id TEXT;
        ALTER TABLE members ADD COLUMN leaving_on TEXT;
        ALTER TABLE members ADD COLUMN helper BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE members ADD COLUMN platform_access BOOLEAN NOT NULL DEFAULT TRUE;
        ALTER TABLE members ADD COLUMN photo TEXT;
        ALTER TABLE members ADD COLUMN erased_on TEXT;
        CREATE INDEX ix_members_email ON members (email);
        CREATE INDEX ix_members_helper ON members (helper);
        CREATE TABLE directory_facts (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            kind TEXT NOT NULL, value TEXT NOT NULL, "key" TEXT NOT NULL,
            mastered BOOLEAN NOT NULL);
        CREATE INDEX ix_directory_facts_member_id ON directory_facts (member_id);
        CREATE INDEX ix_directory_facts_key ON directory_facts ("key");
        CREATE TABLE town_halls (
            commune TEXT NOT NULL PRIMARY KEY REFERENCES communes (code), address TEXT NOT NULL,
            opening_hours TEXT NOT NULL, phone TEXT);
        CREATE TABLE consents (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            scope TEXT NOT NULL, given_on TEXT NOT NULL, withdrawn_on TEXT);
        CREATE INDEX ix_consents_member_id ON consents (member_id);
        CREATE TABLE onboarding_items (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            step TEXT NOT NULL, due TEXT NOT NULL, done_on TEXT);
        CREATE INDEX ix_onboarding_items_member_id ON onboarding_items (member_id);
        CREATE TABLE networks (
            id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
            epci TEXT REFERENCES epcis (siren), referent_id TEXT REFERENCES members (id),
            project_lead TEXT, charter JSON, objectives JSON NOT NULL, created_on TEXT);
        CREATE TABLE network_roles (
            id TEXT NOT NULL PRIMARY KEY, network_id TEXT NOT NULL REFERENCES networks (id),
            member_id TEXT NOT NULL REFERENCES members (id), role TEXT NOT NULL,
            since TEXT NOT NULL, until TEXT, theme TEXT);
        CREATE INDEX ix_network_roles_network_id ON network_roles (network_id);
        CREATE INDEX ix_network_roles_member_id ON network_roles (member_id);
        CREATE TABLE attendance (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            event TEXT NOT NULL, "on" TEXT NOT NULL, registered BOOLEAN NOT NULL,
            attended BOOLEAN NOT NULL);
        CREATE INDEX ix_attendance_member_id ON attendance (member_id);
        CREATE TABLE partners (
            id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, organisation TEXT NOT NULL,
            category TEXT NOT NULL, contact TEXT, themes JSON NOT NULL, years JSON NOT NULL,
            reviewed_on TEXT);
        CREATE TABLE committees (
            kind TEXT NOT NULL PRIMARY KEY, seats JSON NOT NULL, meetings JSON NOT NULL,
            created_on TEXT)
        """),
    ),
    Migration(
        6,
        "événements : séances, inscriptions, questionnaires, lettres d'information, séries",
        _ddl("""
        CREATE TABLE events (
            id TEXT NOT NULL PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL,
            format TEXT NOT NULL, topics JSON NOT NULL, cost TEXT NOT NULL,
            host_commune TEXT REFERENCES communes (code), network_id TEXT, planned_on TEXT,
            late BOOLEAN NOT NULL, invited INTEGER NOT NULL, done JSON NOT NULL);
        CREATE INDEX ix_events_host_commune ON events (host_commune);
        CREATE TABLE sessions (
            id TEXT NOT NULL PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events (id),
            date TEXT NOT NULL, place TEXT NOT NULL, deadline TEXT NOT NULL, capacity INTEGER,
            start TEXT NOT NULL, "end" TEXT NOT NULL);
        CREATE INDEX ix_sessions_event_id ON sessions (event_id);
        CREATE INDEX ix_sessions_date ON sessions (date);
        CREATE TABLE registrations (
            id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions (id),
            member_id TEXT NOT NULL REFERENCES members (id), registered_on TEXT NOT NULL,
            "rank" INTEGER NOT NULL, status TEXT NOT NULL, attended BOOLEAN);
        CREATE INDEX ix_registrations_session_id ON registrations (session_id);
        CREATE INDEX ix_registrations_member_id ON registrations (member_id);
        CREATE TABLE surveys (
            id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL,
            opened_on TEXT NOT NULL, invited INTEGER NOT NULL,
            event_id TEXT REFERENCES events (id), member_id TEXT REFERENCES members (id));
        CREATE INDEX ix_surveys_event_id ON surveys (event_id);
        CREATE TABLE survey_answers (
            id TEXT NOT NULL PRIMARY KEY, survey_id TEXT NOT NULL REFERENCES surveys (id),
            answered_on TEXT NOT NULL, score INTEGER, member_id TEXT REFERENCES members (id),
            comment TEXT NOT NULL);
        CREATE INDEX ix_survey_answers_survey_id ON survey_answers (survey_id);
        CREATE TABLE newsletters (
            id TEXT NOT NULL PRIMARY KEY, sent_on TEXT NOT NULL, subject TEXT NOT NULL,
            recipients INTEGER NOT NULL, forced BOOLEAN NOT NULL);
        CREATE INDEX ix_newsletters_sent_on ON newsletters (sent_on);
        CREATE TABLE recurring_series (
            id TEXT NOT NULL PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL,
            format TEXT NOT NULL, start TEXT NOT NULL, "rule" TEXT NOT NULL,
            minutes INTEGER NOT NULL, place TEXT NOT NULL, network_id TEXT)
        """),
    ),
    Migration(
        7,
        "charte et accès à la plateforme : versions, signatures, espaces, accès, agents du CDG, "
        "accords, signalements, sanctions, avis à l'employeur, exports",
        _ddl("""
        ALTER TABLE town_halls ADD COLUMN email TEXT;
        CREATE TABLE charter_versions (
            version INTEGER NOT NULL PRIMARY KEY, published_on TEXT NOT NULL, title TEXT NOT NULL,
            "text" TEXT NOT NULL);
        CREATE TABLE signatures (
            id TEXT NOT NULL PRIMARY KEY, commune TEXT NOT NULL REFERENCES communes (code),
            version INTEGER NOT NULL, signer TEXT NOT NULL, capacity TEXT NOT NULL,
            signed_on TEXT NOT NULL, space TEXT NOT NULL);
        CREATE INDEX ix_signatures_commune ON signatures (commune);
        CREATE TABLE spaces (
            id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, epci TEXT,
            read_only BOOLEAN NOT NULL);
        CREATE TABLE grants (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            space_id TEXT NOT NULL REFERENCES spaces (id), role TEXT NOT NULL,
            granted_on TEXT NOT NULL, granted_by TEXT NOT NULL, revoked_on TEXT, reason TEXT,
            commune TEXT REFERENCES communes (code));
        CREATE INDEX ix_grants_member_id ON grants (member_id);
        CREATE INDEX ix_grants_commune ON grants (commune);
        CREATE TABLE cdg_staff (
            member_id TEXT NOT NULL PRIMARY KEY REFERENCES members (id),
            administrator BOOLEAN NOT NULL, since TEXT);
        CREATE TABLE agreements (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            space_id TEXT NOT NULL REFERENCES spaces (id), party TEXT NOT NULL,
            given_by TEXT NOT NULL, given_on TEXT NOT NULL);
        CREATE INDEX ix_agreements_member_id ON agreements (member_id);
        CREATE TABLE abuse_reports (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            reported_by TEXT NOT NULL, reported_on TEXT NOT NULL, reason TEXT NOT NULL,
            space_id TEXT, sanction_id TEXT);
        CREATE TABLE sanctions (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            kind TEXT NOT NULL, decided_on TEXT NOT NULL, decided_by TEXT NOT NULL,
            reason TEXT NOT NULL, report_id TEXT);
        CREATE INDEX ix_sanctions_member_id ON sanctions (member_id);
        CREATE TABLE employer_notices (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            commune TEXT REFERENCES communes (code), kind TEXT NOT NULL, "on" TEXT NOT NULL,
            sendable BOOLEAN NOT NULL, message_id TEXT, detail TEXT NOT NULL);
        CREATE INDEX ix_employer_notices_commune ON employer_notices (commune);
        CREATE TABLE platform_exports (
            id TEXT NOT NULL PRIMARY KEY, platform TEXT NOT NULL, exported_at TEXT NOT NULL,
            "full" BOOLEAN NOT NULL, state JSON NOT NULL);
        CREATE INDEX ix_platform_exports_platform ON platform_exports (platform)
        """),
    ),
    Migration(
        8,
        "boîte à outils et demandes de conseil : ressources (toutes versions), pièces jointes, "
        "abonnés, demandes",
        _ddl("""
        CREATE TABLE resources (
            id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
            body TEXT NOT NULL, themes JSON NOT NULL, author_id TEXT NOT NULL,
            status TEXT NOT NULL, review_on TEXT, software JSON NOT NULL,
            shared_with_partners BOOLEAN NOT NULL, published_on TEXT, PRIMARY KEY (id, version));
        CREATE TABLE resource_attachments (
            id TEXT NOT NULL PRIMARY KEY, resource_id TEXT NOT NULL, name TEXT NOT NULL,
            media_type TEXT NOT NULL, size INTEGER NOT NULL, content TEXT NOT NULL,
            added_on TEXT NOT NULL);
        CREATE INDEX ix_resource_attachments_resource_id ON resource_attachments (resource_id);
        CREATE TABLE resource_followers (
            id TEXT NOT NULL PRIMARY KEY, resource_id TEXT NOT NULL,
            member_id TEXT NOT NULL REFERENCES members (id));
        CREATE INDEX ix_resource_followers_resource_id ON resource_followers (resource_id);
        CREATE TABLE advice_requests (
            id TEXT NOT NULL PRIMARY KEY, commune TEXT NOT NULL, requester TEXT NOT NULL,
            channel TEXT NOT NULL, theme TEXT NOT NULL, question TEXT NOT NULL,
            received_at TEXT NOT NULL, answered_at TEXT, answer TEXT,
            minutes_spent INTEGER NOT NULL, referred_to TEXT, faq_id TEXT);
        CREATE INDEX ix_advice_requests_commune ON advice_requests (commune)
        """),
    ),
    Migration(
        9,
        "recherche dans la boîte à outils : index plein texte FTS5 des ressources (SQLite)",
        (),
        rebuild_indexes=True,
    ),
    Migration(
        10,
        "levée des sanctions : rôles abaissés par une restriction, date, auteur et motif de la "
        "levée",
        _ddl("""
        ALTER TABLE sanctions ADD COLUMN lowered JSON NOT NULL DEFAULT '[]';
        ALTER TABLE sanctions ADD COLUMN lifted_on TEXT;
        ALTER TABLE sanctions ADD COLUMN lifted_by TEXT;
        ALTER TABLE sanctions ADD COLUMN lift_reason TEXT
        """),
    ),
    Migration(
        11,
        "pack d'adhésion : SIRET, service de gestion comptable et délibération des conventions, "
        "demande des interventions sans convention",
        _ddl("""
        ALTER TABLE conventions ADD COLUMN siret TEXT;
        ALTER TABLE conventions ADD COLUMN sgc TEXT NOT NULL DEFAULT '';
        ALTER TABLE conventions ADD COLUMN deliberation JSON;
        ALTER TABLE interventions ADD COLUMN request JSON
        """),
    ),
    Migration(
        12,
        "signatures personnelles de la charte (membre, fin de mandat), versions à signer de "
        "nouveau ou d'information, espaces par département, qui a nommé chaque agent du CDG, "
        "demandes d'accès, suspensions de compte ; les signatures sans personne sont gardées et "
        "signalées",
        _ddl("""
        ALTER TABLE charter_versions ADD COLUMN change TEXT NOT NULL DEFAULT 'resigner';
        ALTER TABLE signatures ADD COLUMN member_id TEXT;
        ALTER TABLE signatures ADD COLUMN mandate_end TEXT;
        ALTER TABLE spaces ADD COLUMN departement TEXT;
        ALTER TABLE cdg_staff ADD COLUMN named_by TEXT;
        CREATE TABLE access_requests (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            commune TEXT NOT NULL REFERENCES communes (code),
            space_id TEXT NOT NULL REFERENCES spaces (id), role TEXT NOT NULL,
            requested_on TEXT NOT NULL, status TEXT NOT NULL, decided_by TEXT, decided_on TEXT,
            reason TEXT, grant_id TEXT);
        CREATE INDEX ix_access_requests_member_id ON access_requests (member_id);
        CREATE TABLE suspensions (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            suspended_on TEXT NOT NULL, suspended_by TEXT NOT NULL, reason TEXT NOT NULL,
            grant_ids JSON NOT NULL, reinvited_on TEXT, reinvited_by TEXT);
        CREATE INDEX ix_suspensions_member_id ON suspensions (member_id)
        """),
    ),
    Migration(
        13,
        "plusieurs départements : département d'un réseau, comités tenus par département",
        _ddl("""
        ALTER TABLE networks ADD COLUMN departement TEXT;
        CREATE TABLE committees_by_departement (
            kind TEXT NOT NULL, departement TEXT NOT NULL, seats JSON NOT NULL,
            meetings JSON NOT NULL, created_on TEXT, PRIMARY KEY (kind, departement));
        INSERT INTO committees_by_departement (kind, departement, seats, meetings, created_on)
            SELECT kind, '', seats, meetings, created_on FROM committees;
        DROP TABLE committees;
        ALTER TABLE committees_by_departement RENAME TO committees
        """),
    ),
    Migration(
        14,
        "événements ouverts à tous les SGM du ressort : public de chaque événement (les "
        "événements déjà enregistrés restent réservés aux membres) et refus des invitations",
        _ddl("""
        ALTER TABLE events ADD COLUMN audience TEXT NOT NULL DEFAULT 'membres';
        ALTER TABLE members ADD COLUMN invitations_opt_out BOOLEAN NOT NULL DEFAULT FALSE
        """),
    ),
    Migration(
        15,
        "boîte d'envoi : auteur d'une demande de renvoi d'un message marqué envoyé (NOT-3)",
        _ddl("""
        ALTER TABLE outbox ADD COLUMN resent_by TEXT
        """),
    ),
    Migration(
        16,
        "fusions de communes : mairies, adhésions d'une année et conventions en vigueur en double "
        "sur le successeur, gardées à part et listées pour un animateur (TER-5)",
        _ddl("""
        CREATE TABLE census_conflicts (
            id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, commune TEXT NOT NULL,
            former TEXT NOT NULL, record TEXT NOT NULL, kept TEXT NOT NULL,
            vintage TEXT NOT NULL, detected_on TEXT NOT NULL, year INTEGER);
        CREATE INDEX ix_census_conflicts_commune ON census_conflicts (commune)
        """),
    ),
    Migration(
        17,
        "liens personnels à usage unique déjà utilisés (empreinte du lien, jamais le lien) (NOT-3)",
        _ddl("""
        CREATE TABLE used_links (
            id TEXT NOT NULL PRIMARY KEY, purpose TEXT NOT NULL, member_id TEXT NOT NULL,
            used_at TEXT NOT NULL);
        CREATE INDEX ix_used_links_member_id ON used_links (member_id)
        """),
    ),
    Migration(
        18,
        "qui a fait chaque acte d'administration (CHA-2) : auteur des versions de la charte, des "
        "exports vers la plateforme, des adhésions, conventions, stagiaires et interventions, "
        "des réseaux, rôles et comités, des publications de la boîte à outils, et réaffectations "
        "des communes disparues ; les enregistrements plus anciens restent sans auteur",
        _ddl("""
        ALTER TABLE charter_versions ADD COLUMN published_by TEXT;
        ALTER TABLE platform_exports ADD COLUMN exported_by TEXT;
        ALTER TABLE memberships ADD COLUMN recorded_by TEXT;
        ALTER TABLE conventions ADD COLUMN recorded_by TEXT;
        ALTER TABLE trainees ADD COLUMN recorded_by TEXT;
        ALTER TABLE interventions ADD COLUMN recorded_by TEXT;
        ALTER TABLE networks ADD COLUMN created_by TEXT;
        ALTER TABLE networks ADD COLUMN charter_set_by TEXT;
        ALTER TABLE network_roles ADD COLUMN assigned_by TEXT;
        ALTER TABLE network_roles ADD COLUMN ended_by TEXT;
        ALTER TABLE committees ADD COLUMN changed_by TEXT;
        ALTER TABLE committees ADD COLUMN meeting_records JSON NOT NULL DEFAULT '[]';
        ALTER TABLE resources ADD COLUMN published_by TEXT;
        ALTER TABLE resources ADD COLUMN archived_by TEXT;
        CREATE TABLE reassignments (
            id TEXT NOT NULL PRIMARY KEY, former TEXT NOT NULL, successor TEXT NOT NULL,
            reassigned_on TEXT NOT NULL, reassigned_by TEXT NOT NULL, moved JSON NOT NULL);
        CREATE INDEX ix_reassignments_former ON reassignments (former)
        """),
    ),
    Migration(
        19,
        "effacement : les postes d'une personne effacée réduits à l'EPCI, la strate de "
        "population, le département et les années, sans la commune (MEM-11)",
        _ddl("""
        CREATE TABLE coarse_positions (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            departement TEXT NOT NULL, epci TEXT, stratum TEXT NOT NULL, function TEXT NOT NULL,
            work_time TEXT NOT NULL, status TEXT NOT NULL, permanent BOOLEAN NOT NULL,
            start TEXT, "end" TEXT, sole BOOLEAN NOT NULL);
        CREATE INDEX ix_coarse_positions_member_id ON coarse_positions (member_id);
        CREATE INDEX ix_coarse_positions_epci ON coarse_positions (epci);
        CREATE INDEX ix_coarse_positions_departement ON coarse_positions (departement)
        """),
    ),
    Migration(
        20,
        "recensement : établissement public territorial (EPT) de chaque commune du Grand Paris, "
        "lu dans ept.json (TER-1)",
        _ddl("""
        ALTER TABLE communes ADD COLUMN ept TEXT;
        ALTER TABLE communes ADD COLUMN ept_name TEXT
        """),
    ),
    Migration(
        21,
        "historique du réseau (EVT-12) : étapes datées du parcours de chaque membre, remplies "
        "pour les membres déjà enregistrés (actif à l'arrivée, parti au départ), et ce qui a été "
        "saisi comme historique (événements, enquêtes, membres passés)",
        _ddl("""
        CREATE TABLE lifecycle_transitions (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            lifecycle TEXT NOT NULL, reached_on TEXT NOT NULL);
        CREATE INDEX ix_lifecycle_transitions_member_id ON lifecycle_transitions (member_id);
        INSERT INTO lifecycle_transitions (id, member_id, lifecycle, reached_on)
            SELECT 'm21-actif-' || id, id, 'actif', arrival FROM members
            WHERE arrival IS NOT NULL AND lifecycle IN ('actif', 'parti')
            AND (departed_on IS NULL OR arrival <= departed_on);
        INSERT INTO lifecycle_transitions (id, member_id, lifecycle, reached_on)
            SELECT 'm21-parti-' || id, id, 'parti', departed_on FROM members
            WHERE departed_on IS NOT NULL AND lifecycle = 'parti';
        CREATE TABLE history_entries (
            id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,
            source TEXT NOT NULL, line INTEGER NOT NULL, imported_on TEXT NOT NULL,
            imported_by TEXT);
        CREATE INDEX ix_history_entries_record_id ON history_entries (record_id)
        """),
    ),
    Migration(
        22,
        "événements : chaque occurrence d'une série récurrente est un événement à part entière "
        "(EVT-8) ; date limite d'inscription d'une séance changée, par qui et quand (EVT-4)",
        _ddl("""
        ALTER TABLE events ADD COLUMN series_id TEXT;
        CREATE INDEX ix_events_series_id ON events (series_id);
        ALTER TABLE sessions ADD COLUMN deadline_set_by TEXT;
        ALTER TABLE sessions ADD COLUMN deadline_set_on TEXT
        """),
    ),
    Migration(
        23,
        "élus (MEM-12) : un enregistrement par mandat (maires, adjoints, présidents d'EPCI, "
        "administrateurs du CDG), les courriers et messages qui leur sont adressés, et la "
        "signature de la charte liée au mandat du maire qui l'a donnée (CHA-1)",
        _ddl("""
        CREATE TABLE elus (
            id TEXT NOT NULL PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
            role TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT,
            commune TEXT, epci TEXT, civility TEXT, email TEXT, address TEXT NOT NULL,
            phone TEXT, recorded_by TEXT, ended_by TEXT);
        CREATE INDEX ix_elus_commune ON elus (commune);
        CREATE INDEX ix_elus_epci ON elus (epci);
        CREATE TABLE elu_letters (
            id TEXT NOT NULL PRIMARY KEY, elu_id TEXT NOT NULL, kind TEXT NOT NULL,
            "on" TEXT NOT NULL, channel TEXT NOT NULL, event_id TEXT,
            message_id TEXT, sent_by TEXT);
        CREATE INDEX ix_elu_letters_elu_id ON elu_letters (elu_id);
        CREATE INDEX ix_elu_letters_event_id ON elu_letters (event_id);
        ALTER TABLE signatures ADD COLUMN elu_id TEXT
        """),
    ),
    Migration(
        24,
        "questionnaires (SUR-2) : questions ordonnées de chaque questionnaire, réponses question "
        "par question ; un questionnaire peut être préparé avant d'être envoyé (les questionnaires "
        "déjà enregistrés sont envoyés)",
        _ddl("""
        ALTER TABLE surveys ADD COLUMN draft BOOLEAN NOT NULL DEFAULT FALSE;
        CREATE TABLE survey_questions (
            id TEXT NOT NULL PRIMARY KEY, survey_id TEXT NOT NULL REFERENCES surveys (id),
            position INTEGER NOT NULL, "key" TEXT NOT NULL, text TEXT NOT NULL,
            kind TEXT NOT NULL, required BOOLEAN NOT NULL, choices JSON NOT NULL);
        CREATE INDEX ix_survey_questions_survey_id ON survey_questions (survey_id);
        CREATE TABLE survey_responses (
            id TEXT NOT NULL PRIMARY KEY, answer_id TEXT NOT NULL REFERENCES survey_answers (id),
            survey_id TEXT NOT NULL REFERENCES surveys (id),
            question_id TEXT NOT NULL REFERENCES survey_questions (id),
            "values" JSON NOT NULL, text TEXT NOT NULL, member_id TEXT REFERENCES members (id));
        CREATE INDEX ix_survey_responses_survey_id ON survey_responses (survey_id);
        CREATE INDEX ix_survey_responses_answer_id ON survey_responses (answer_id)
        """),
    ),
    Migration(
        25,
        "pyramide des âges (IND-4) : année de naissance (jamais le jour) et date de départ en "
        "retraite prévue de chaque membre, facultatives ; les membres déjà enregistrés n'en ont pas",
        _ddl("""
        ALTER TABLE members ADD COLUMN birth_year INTEGER;
        ALTER TABLE members ADD COLUMN retirement_on TEXT
        """),
    ),
    Migration(
        26,
        "tutorat des arrivants jusqu'au bilan à 3 mois (MEM-13), réseaux locaux existants et "
        "leur relation avec le CDG (NET-7), autres événements du CDG et alertes de "
        "planification gardées avec chaque événement (EVT-11)",
        _ddl("""
        CREATE TABLE tutorships (
            id TEXT NOT NULL PRIMARY KEY, newcomer_id TEXT NOT NULL REFERENCES members (id),
            tutor_id TEXT NOT NULL REFERENCES members (id), started_on TEXT NOT NULL,
            review_due TEXT NOT NULL, ended_on TEXT, "end" TEXT, forced BOOLEAN NOT NULL,
            assigned_by TEXT, ended_by TEXT);
        CREATE INDEX ix_tutorships_newcomer_id ON tutorships (newcomer_id);
        CREATE INDEX ix_tutorships_tutor_id ON tutorships (tutor_id);
        CREATE TABLE local_networks (
            id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, carrier TEXT NOT NULL,
            relation TEXT NOT NULL, communes JSON NOT NULL, epci TEXT, referent_id TEXT,
            referent_name TEXT, referent_contact TEXT, since TEXT, recorded_on TEXT,
            recorded_by TEXT);
        CREATE TABLE cdg_dates (
            id TEXT NOT NULL PRIMARY KEY, "on" TEXT NOT NULL, label TEXT NOT NULL,
            recorded_by TEXT);
        CREATE TABLE planning_warnings (
            id TEXT NOT NULL PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events (id),
            day TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
            planned_on TEXT NOT NULL, forced BOOLEAN NOT NULL);
        CREATE INDEX ix_planning_warnings_event_id ON planning_warnings (event_id)
        """),
    ),
    Migration(
        27,
        "groupes de travail (NET-5) : thème, mandat, membres, réunions, livrables et "
        "restitution ; suggestions des membres examinées par le comité de suivi (NET-6)",
        _ddl("""
        CREATE TABLE working_groups (
            id TEXT NOT NULL PRIMARY KEY, network_id TEXT NOT NULL REFERENCES networks (id),
            name TEXT NOT NULL, theme TEXT NOT NULL, mandate TEXT NOT NULL,
            created_on TEXT NOT NULL, state TEXT NOT NULL, restitution_on TEXT,
            meeting_ids JSON NOT NULL, delivered_on TEXT, closed_on TEXT, created_by TEXT,
            changed_by TEXT);
        CREATE INDEX ix_working_groups_network_id ON working_groups (network_id);
        CREATE TABLE working_group_members (
            id TEXT NOT NULL PRIMARY KEY,
            group_id TEXT NOT NULL REFERENCES working_groups (id),
            member_id TEXT NOT NULL REFERENCES members (id),
            joined_on TEXT NOT NULL, left_on TEXT, added_by TEXT);
        CREATE INDEX ix_working_group_members_group_id ON working_group_members (group_id);
        CREATE INDEX ix_working_group_members_member_id ON working_group_members (member_id);
        CREATE TABLE working_group_deliverables (
            id TEXT NOT NULL PRIMARY KEY,
            group_id TEXT NOT NULL REFERENCES working_groups (id),
            title TEXT NOT NULL, resource_id TEXT NOT NULL, added_on TEXT NOT NULL,
            added_by TEXT);
        CREATE INDEX ix_working_group_deliverables_group_id
            ON working_group_deliverables (group_id);
        CREATE TABLE suggestions (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            text TEXT NOT NULL, received_on TEXT NOT NULL, source TEXT NOT NULL,
            departement TEXT NOT NULL, agenda_on TEXT, recorded_by TEXT, outcome TEXT,
            reason TEXT NOT NULL, planned_for TEXT, decided_on TEXT, decided_by TEXT,
            answer_id TEXT);
        CREATE INDEX ix_suggestions_member_id ON suggestions (member_id)
        """),
    ),
    Migration(
        28,
        "moyens du réseau (NET-8) : lignes de budget par année, lieux et lieu de chaque séance, "
        "intervenants des séances, temps des animateurs",
        _ddl("""
        CREATE TABLE budget_lines (
            id TEXT NOT NULL PRIMARY KEY, year INTEGER NOT NULL, nature TEXT NOT NULL,
            label TEXT NOT NULL, planned TEXT NOT NULL, actual TEXT,
            event_id TEXT REFERENCES events (id), recorded_by TEXT, recorded_on TEXT);
        CREATE INDEX ix_budget_lines_year ON budget_lines (year);
        CREATE INDEX ix_budget_lines_event_id ON budget_lines (event_id);
        CREATE TABLE venues (
            id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL,
            capacity INTEGER NOT NULL, commune TEXT REFERENCES communes (code),
            equipment JSON NOT NULL, accessibility TEXT, opener TEXT);
        CREATE TABLE venue_choices (
            id TEXT NOT NULL PRIMARY KEY REFERENCES sessions (id),
            event_id TEXT NOT NULL REFERENCES events (id),
            venue_id TEXT NOT NULL REFERENCES venues (id), chosen_on TEXT NOT NULL,
            chosen_by TEXT);
        CREATE INDEX ix_venue_choices_event_id ON venue_choices (event_id);
        CREATE INDEX ix_venue_choices_venue_id ON venue_choices (venue_id);
        CREATE TABLE speakers (
            id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions (id),
            event_id TEXT NOT NULL REFERENCES events (id), kind TEXT NOT NULL,
            member_id TEXT REFERENCES members (id), partner_id TEXT, topic TEXT);
        CREATE INDEX ix_speakers_session_id ON speakers (session_id);
        CREATE INDEX ix_speakers_event_id ON speakers (event_id);
        CREATE INDEX ix_speakers_member_id ON speakers (member_id);
        CREATE INDEX ix_speakers_partner_id ON speakers (partner_id);
        CREATE TABLE time_entries (
            id TEXT NOT NULL PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
            day TEXT NOT NULL, minutes INTEGER NOT NULL, activity TEXT NOT NULL, note TEXT,
            event_id TEXT, recorded_by TEXT);
        CREATE INDEX ix_time_entries_member_id ON time_entries (member_id);
        CREATE INDEX ix_time_entries_day ON time_entries (day)
        """),
    ),
    Migration(
        29,
        "inscriptions : un index par séance, statut et présence, que lit seul le comptage des "
        "inscriptions du tableau de suivi et des indicateurs (EVT-5, EVT-7, IND-1)",
        _ddl("""
        CREATE INDEX IF NOT EXISTS ix_registrations_session_status
            ON registrations (session_id, status, attended)
        """),
    ),
    Migration(
        30,
        "annuaire : les noms des membres sans accents ni majuscules, pour trier et paginer "
        "l'annuaire dans la base (MEM-2) ; remplie par l'annuaire à sa première recherche",
        _ddl("""
        CREATE TABLE IF NOT EXISTS member_name_keys (
            member_id TEXT NOT NULL PRIMARY KEY REFERENCES members (id),
            last_name TEXT NOT NULL, first_name TEXT NOT NULL, last_key TEXT NOT NULL,
            first_key TEXT NOT NULL)
        """),
    ),
    Migration(
        31,
        "réponses aux questionnaires : un index par questionnaire et note, que lit seul le "
        "comptage des réponses des taux de satisfaction et de réponse (EVT-9, IND-1, IND-2)",
        _ddl("""
        CREATE INDEX IF NOT EXISTS ix_survey_answers_survey_score
            ON survey_answers (survey_id, score)
        """),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version

_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS rsgm_schema_migrations (
    version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)
"""


def current_version(conn: sa.Connection) -> int:
    """The schema version of the database behind ``conn``; 0 for an empty database."""
    import sqlalchemy as sa

    names = set(sa.inspect(conn).get_table_names())
    if "rsgm_schema_migrations" not in names:
        if names - {"sqlite_sequence"}:
            raise StorageError(
                f"cette base contient déjà des tables étrangères à rsgm_core : {sorted(names)[:5]}",
                value=sorted(names),
            )
        return 0
    found = conn.execute(sa.text("SELECT max(version) FROM rsgm_schema_migrations")).scalar()
    return int(found or 0)


def check_supported(version: int, url: str) -> None:
    if version > SCHEMA_VERSION:
        raise UnsupportedSchemaError(
            f"la base {url} est au schéma {version}, plus récent que celui de cette version de "
            f"rsgm_core ({SCHEMA_VERSION}) : mettez rsgm_core à jour",
            value=version,
        )


def upgrade(conn: sa.Connection, *, target: int = SCHEMA_VERSION) -> list[Migration]:
    """Apply the migrations above the current version up to ``target``, in the caller's
    transaction; return those applied."""
    import sqlalchemy as sa

    version = current_version(conn)
    conn.execute(sa.text(_VERSION_TABLE))
    applied = []
    for migration in MIGRATIONS:
        if version < migration.version <= target:
            for statement in migration.statements:
                conn.execute(sa.text(statement))
            conn.execute(
                sa.text(
                    "INSERT INTO rsgm_schema_migrations (version, description, applied_at) "
                    "VALUES (:v, :d, :t)"
                ),
                {
                    "v": migration.version,
                    "d": migration.description,
                    "t": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                },
            )
            applied.append(migration)
    if target == SCHEMA_VERSION and applied:
        # Derived data, built by the current code: only once the schema is the current one (an
        # upgrade stopped short of it builds them when it is finished).
        from rsgm_core.plugins.sql import search

        if any(m.rebuild_indexes for m in applied) or search.missing(conn):
            search.rebuild(conn)
    return applied
