"""Entry point of the frozen desktop bundle: the same ``fieldcrm`` command as from source."""

import sys

from fieldcrm.cli import main

if __name__ == "__main__":
    sys.exit(main())
