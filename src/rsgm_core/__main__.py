"""``python -m rsgm_core`` runs the ``rsgm`` command line."""

from rsgm_core.cli import main

raise SystemExit(main())
