"""Flag precision/recall on a held-out labelled set (bench/heldout_calls.json) that the tests do
not use. A flag counts as correct when its type is labelled on the turn it falls in.

Usage: .venv/bin/python -m bench.flag_eval [calls.json]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from bench.run import _match, _prf, _prf_table
from scoring import config
from scoring.call import score_segments
from scoring.schema import Segment


def main(path: str = str(Path(__file__).with_name("heldout_calls.json"))) -> None:
    rules = config.load()
    tp, fp, fn = Counter(), Counter(), Counter()
    for turns in json.loads(Path(path).read_text()).values():
        segments, clock = [], 0.0
        for speaker, text, _ in turns:
            length = len(text.split()) / 2.6
            segments.append(Segment(speaker, clock, clock + length, text))
            clock += length + 0.4
        expected = {(i, f) for i, (_, _, flags) in enumerate(turns) for f in flags}
        found = {(next(i for i, s in enumerate(segments) if s.start - 0.01 <= f.start <= s.end + 0.01), f.type)
                 for f in score_segments(tuple(segments), rules).flags}
        _match(found, expected, tp, fp, fn)
    kinds = sorted(set(tp) | set(fp) | set(fn))
    print(_prf_table("Held-out text flags", _prf(tp, fp, fn, kinds)))


if __name__ == "__main__":
    main(*sys.argv[1:])
