"""Turning results into documents and formats: Babel formatting, CSV and JSON exports,
iCalendar, event documents, message templates, the annual report, and the plain-text tables the
command line and the demo print (``render.text``). The domain never formats; services and faces
call these."""
