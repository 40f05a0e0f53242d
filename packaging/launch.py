"""The packaged program's entry point: the same ``console`` as ``consortium-planner`` (no arguments: the
window; a command: the command line)."""

from consortium_planner.cli import console

if __name__ == "__main__":
    console()
