"""Assign words to speakers and group them into turns.

For each word, sum its overlap with every speaker turn and take the speaker with the most;
with no overlap, take the nearest turn. Turns are sorted by start, so candidates are found by
binary search (O(n log n) overall, not a quadratic loop over words x turns).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import replace

from audio.schema import SpeakerTurn, Turn, Word


class _TurnIndex:
    def __init__(self, turns: tuple[SpeakerTurn, ...]) -> None:
        self.turns = sorted(turns, key=lambda turn: turn.start)
        self.starts = [turn.start for turn in self.turns]
        self.max_duration = max((t.end - t.start for t in self.turns), default=0.0)
        # running max of turn ends, for "nearest turn ending before t"
        self.ends_sorted = sorted((turn.end, i) for i, turn in enumerate(self.turns))
        self.end_values = [end for end, _ in self.ends_sorted]

    def speaker_for(self, start: float, end: float) -> str:
        if not self.turns:
            return ""
        # candidates: turns starting before the word ends and not ending before it starts
        upper = bisect.bisect_left(self.starts, end)
        lower = bisect.bisect_left(self.starts, start - self.max_duration)
        overlap: dict[str, float] = defaultdict(float)
        for turn in self.turns[lower:upper]:
            shared = min(end, turn.end) - max(start, turn.start)
            if shared > 0:
                overlap[turn.speaker] += shared
        if overlap:
            return max(overlap.items(), key=lambda item: item[1])[0]
        return self._nearest(start, end)

    def _nearest(self, start: float, end: float) -> str:
        candidates = []
        after = bisect.bisect_left(self.starts, end)
        if after < len(self.turns):
            candidates.append((self.turns[after].start - end, self.turns[after].speaker))
        before = bisect.bisect_right(self.end_values, start) - 1
        if before >= 0:
            turn = self.turns[self.ends_sorted[before][1]]
            candidates.append((start - turn.end, turn.speaker))
        return min(candidates)[1]


def assign_speakers(words: tuple[Word, ...], turns: tuple[SpeakerTurn, ...]) -> tuple[Word, ...]:
    """Words with ``speaker`` set from the diarization ``turns``."""
    index = _TurnIndex(turns)
    return tuple(replace(word, speaker=index.speaker_for(word.start, word.end)) for word in words)


def group_turns(
    words: tuple[Word, ...], *, max_gap_s: float = 3.0, max_interleave_gap_s: float = 0.8
) -> tuple[Turn, ...]:
    """Consecutive words of one speaker form a turn, sorted by start.

    A turn ends at a pause over ``max_gap_s``, or when the other party speaks in between -
    unless this speaker keeps going within ``max_interleave_gap_s``: then the other party's
    words are overtalk, and both turns run on (so an interruption does not shred a sentence).
    """
    turns: list[Turn] = []
    open_runs: dict[str, list[Word]] = {}
    last_speaker = ""
    for word in sorted(words, key=lambda w: (w.start, w.end)):
        run = open_runs.get(word.speaker)
        if run is not None:
            gap = word.start - run[-1].end
            interleaved = last_speaker != word.speaker
            if gap > max_gap_s or (interleaved and gap > max_interleave_gap_s):
                turns.append(_turn(run))
                run = None
        if run is None:
            run = open_runs[word.speaker] = []
        run.append(word)
        last_speaker = word.speaker
    turns.extend(_turn(run) for run in open_runs.values() if run)
    return tuple(sorted(turns, key=lambda turn: (turn.start, turn.end)))


def _turn(words: list[Word]) -> Turn:
    return Turn(
        speaker=words[0].speaker, start=words[0].start, end=words[-1].end, words=tuple(words)
    )


def keep_words_in_turns(
    words: tuple[Word, ...],
    turns: tuple[SpeakerTurn, ...],
    speaker: str,
    *,
    tolerance_s: float = 0.3,
) -> tuple[Word, ...]:
    """Words of one stereo channel whose middle lies in that speaker's own speech (drops words
    Whisper picked up from the other party's bleed)."""
    own = sorted(
        (t.start - tolerance_s, t.end + tolerance_s) for t in turns if t.speaker == speaker
    )
    starts = [start for start, _ in own]
    kept = []
    for word in words:
        middle = (word.start + word.end) / 2
        position = bisect.bisect_right(starts, middle) - 1
        if position >= 0 and own[position][1] >= middle:
            kept.append(replace(word, speaker=speaker))
    return tuple(kept)
