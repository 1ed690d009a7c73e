"""Turning results into documents and formats: Babel formatting, CSV and JSON exports,
iCalendar, event documents, message templates and the annual report. The domain never formats;
services and faces call these."""
