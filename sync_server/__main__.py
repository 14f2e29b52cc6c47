"""``python -m sync_server`` runs the ``fieldcrm-server`` command line."""

import sys

from sync_server.cli import main

sys.exit(main())
