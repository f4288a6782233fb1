"""Real-time factor per stage for a ~5-minute synthetic call, stereo and mono.

Usage: .venv/bin/python -m bench.rtf_5min  (prints a Markdown table to stdout)
Models are loaded by a warm-up run first, so figures are per call on a warm worker.
"""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path

from audio.pipeline import analyze
from tests.synth import DEMO_LINES, render


def main() -> None:
    lines = DEMO_LINES * 9  # ~5 minutes
    with tempfile.TemporaryDirectory() as tmp:
        warm_up = render(DEMO_LINES[:3], Path(tmp), "warm_up")
        analyze(warm_up.stereo_path)  # load every model and JIT-compile once, as a worker does
        analyze(warm_up.mono_path)
        call = render(lines, Path(tmp), "five_min")
        print(f"call length {call.duration_s:.0f} s", file=sys.stderr)
        print("| layout | " + " | ".join(
            ["decode", "speakers", "transcription", "alignment", "tone", "total"]) + " |")
        print("|---" * 7 + "|")
        for layout, path in (("stereo", call.stereo_path), ("mono", call.mono_path)):
            result = analyze(path)
            timings = dict(result.timings_s)
            total = sum(timings.values())
            cells = [f"{timings[k] / call.duration_s:.3f}" for k in
                     ("decode", "speakers", "transcription", "alignment", "tone")]
            print(f"| {layout} | " + " | ".join(cells) + f" | {total / call.duration_s:.3f} |")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak memory {peak_mb:.0f} MB, call {call.duration_s:.0f} s")


if __name__ == "__main__":
    main()
