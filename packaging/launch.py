"""The bundle's entry point: the same `recap` command (window, or `inspect`/`summarize` with arguments)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
