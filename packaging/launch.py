"""The packaged program's entry point: the same ``main`` as ``consortium-planner`` (no arguments: the window;
a command: the command line)."""

import sys

from consortium_planner.cli import main

if __name__ == "__main__":
    sys.exit(main())
