"""Memory of the analysis child (issue 11): how much address space and resident memory one
analysis takes, so that ``CALLQA_ANALYSIS_MEMORY_GB`` has a measured default.

    .venv/bin/python -m bench.child_memory [--minutes 1,5,30]

Each call length and layout is analysed in a fresh child of ``service.jobs.isolation`` (spawn,
models loaded there, as in embedded mode), which reports its own peak address space (VmPeak,
what RLIMIT_AS caps) and peak resident memory (VmHWM). Writes
``bench/results/child_memory.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.run import RESULTS


def _peaks_gb() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmPeak", "VmHWM"):
            fields[key] = int(value.split()[0]) / 2**20  # kB -> GB
    return fields


def analyse_and_measure(path: str) -> dict[str, float]:
    """In the child: analyse ``path`` with the default options; the child's peaks after."""
    from audio.pipeline import AnalysisOptions, analyze

    started = time.monotonic()
    analyze(path, AnalysisOptions())
    return {**_peaks_gb(), "wall_s": time.monotonic() - started}


def main(argv: list[str] | None = None) -> int:
    from bench.synth import DEMO_LINES, render
    from service.jobs import isolation

    parser = argparse.ArgumentParser(prog="python -m bench.child_memory")
    parser.add_argument("--minutes", default="1,5,30")
    args = parser.parse_args(argv)
    lines = [f"<!-- python -m bench.child_memory --minutes {args.minutes}, "
             f"{time.strftime('%Y-%m-%d')} -->",
             "## Analysis child memory (a fresh child per row, spawn, default options)", "",
             "| minutes | layout | peak address space GB (VmPeak) | peak resident GB (VmHWM) "
             "| analysis wall s |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in (float(m) for m in args.minutes.split(",")):
            print(f"rendering a {minutes:g}-minute call", file=sys.stderr)
            call = render(DEMO_LINES * max(1, round(minutes * 60 / 33)), Path(tmp),
                          f"len{minutes:g}")
            for layout, path in (("stereo", call.stereo_path), ("mono", call.mono_path)):
                peaks = isolation.run_in_child(analyse_and_measure, str(path), slots=1,
                                               memory_gb=0, time_limit_s=None)
                isolation.shutdown()  # the next row in a fresh child
                lines.append(f"| {minutes:g} | {layout} | {peaks['VmPeak']:.2f} | "
                             f"{peaks['VmHWM']:.2f} | {peaks['wall_s']:.0f} |")
                print(lines[-1], file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "child_memory.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
