"""The packaged program's entry point: the same ``console`` as ``consortium-planner`` (no arguments: the
window; a command: the command line). ``freeze_support`` first: the packaged program is also what runs the
second process (``services.second_process``), started with the arguments it recognises."""

import multiprocessing

from consortium_planner.cli import console

if __name__ == "__main__":
    multiprocessing.freeze_support()
    console()
