"""Export a diarized transcript as RTTM, SRT or WebVTT, with speaker labels."""

from __future__ import annotations

from audio.schema import SpeakerTurn, Turn

FORMATS = ("rttm", "srt", "vtt")


def _clock(seconds: float, separator: str) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def rttm(turns: tuple[SpeakerTurn, ...], uri: str, labels: dict[str, str] | None = None) -> str:
    """NIST RTTM: one SPEAKER line per turn (file id ``uri`` with spaces replaced)."""
    labels = labels or {}
    uri = uri.replace(" ", "_")
    return "".join(
        f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> "
        f"{labels.get(t.speaker, t.speaker)} <NA> <NA>\n"
        for t in turns
    )


def srt(turns: tuple[Turn, ...], labels: dict[str, str] | None = None) -> str:
    labels = labels or {}
    return "\n".join(
        f"{i}\n{_clock(t.start, ',')} --> {_clock(t.end, ',')}\n"
        f"[{labels.get(t.speaker, t.speaker)}] {t.text}\n"
        for i, t in enumerate(turns, 1)
    )


def vtt(turns: tuple[Turn, ...], labels: dict[str, str] | None = None) -> str:
    labels = labels or {}
    cues = "\n".join(
        f"{_clock(t.start, '.')} --> {_clock(t.end, '.')}\n"
        f"<v {labels.get(t.speaker, t.speaker)}>{t.text}\n"
        for t in turns
    )
    return "WEBVTT\n\n" + cues


def render(
    fmt: str,
    speaker_turns: tuple[SpeakerTurn, ...],
    turns: tuple[Turn, ...],
    uri: str,
    labels: dict[str, str] | None = None,
) -> str:
    if fmt == "rttm":
        return rttm(speaker_turns, uri, labels)
    if fmt == "srt":
        return srt(turns, labels)
    if fmt == "vtt":
        return vtt(turns, labels)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
