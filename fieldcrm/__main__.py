"""``python -m fieldcrm`` runs the ``fieldcrm`` command."""

import sys

from fieldcrm.cli import main

sys.exit(main())
