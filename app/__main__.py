"""`python -m app`: the same as the `recap` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
