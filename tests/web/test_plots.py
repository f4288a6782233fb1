"""The desk's server-drawn timeline: axes, silence as gaps, markers that do not overlap."""

import re

from service.desk import plots


def _timeline(flags):
    times = [i * 0.1 for i in range(600)]  # 60 s
    # speech, a pause at the floor (silence), speech again
    loudness = [-30.0 if (i // 100) % 2 == 0 else -80.0 for i in range(600)]
    return plots.timeline(60.0, [{"speaker": "left", "times": times, "loudness_db": loudness}],
                          {"left": "agent"}, [], flags)


def test_time_and_level_axes_are_labelled():
    svg = _timeline([])
    assert re.findall(r">(\d+:\d\d)</text>", svg) == [f"{m}:{s}0" for m, s in (
        (0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (1, 0))]
    assert "\u221230 dB" in svg  # level ticks, with a true minus sign


def test_silence_is_a_gap_not_a_drop_to_the_floor():
    path = re.search(r'class="loudness agent" d="([^"]*)"', _timeline([])).group(1)
    assert path.count("M") == 3  # three stretches of speech, two gaps


def test_close_flag_markers_are_stacked():
    flags = [{"id": str(i), "start": 20.0 + i * 0.1, "end": 21.0, "type": "x",
              "polarity": "negative"} for i in range(3)]
    tips = re.findall(r'class="flag-marker negative".*?<path d="M[\d.]+,(\d+)', _timeline(flags))
    assert len(set(tips)) == 3
