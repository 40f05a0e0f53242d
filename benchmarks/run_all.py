"""Run every benchmark in this folder and print its figures (``make bench``)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(HERE))
    only = set(sys.argv[1:])
    del sys.argv[1:]  # the names chosen are not the benchmarks' own arguments (a scale, a repeat count)
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        print(f"== {path.stem}")
        importlib.import_module(path.stem).main()
        print()


if __name__ == "__main__":
    main()
