"""Run every benchmark in this package: ``make bench`` (``python -m tests.benchmarks.run_all``).

A benchmark is a module here with a ``main(argv)`` function; each runs in its own process with
its defaults and prints its own figures (and, where it has one, its same-run baseline).
``python -m tests.benchmarks.run_all channel_layer`` runs only the ones named. Results are
read in docs/performance.md, which says how each was measured.
"""

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

from tests.services import REPO

# Modules that serve or drive a benchmark rather than being one.
HELPERS = {"run_all", "loadgen", "relay_bare", "relay_channels", "chat_loadgen"}
# Options each benchmark gets from ``make bench`` (the full runs take minutes: run them alone).
DEFAULT_ARGS = {"chat_bench": ["--quick"], "console_search": ["--quick"]}


def benchmarks() -> list[str]:
    here = Path(__file__).resolve().parent
    names = []
    for module in pkgutil.iter_modules([str(here)]):
        if module.name in HELPERS or module.name.startswith("_"):
            continue
        source = (here / f"{module.name}.py").read_text(encoding="utf-8")
        if "\ndef main(" in source:
            names.append(module.name)
    return sorted(names)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    available = benchmarks()
    chosen = argv or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    failed = []
    for name in chosen:
        print(f"\n=== {name} " + "=" * max(0, 70 - len(name)), flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", f"tests.benchmarks.{name}",
                                 *DEFAULT_ARGS.get(name, [])], cwd=REPO)
        print(f"=== {name}: exit {result.returncode} in {time.monotonic() - started:.0f} s",
              flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
