"""The pure domain: attrs records and rule functions, no I/O, no clock, no plugins.

Every business rule of the catalogue lives here so that it can be tested without a database.
"""
