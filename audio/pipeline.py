"""One recording in, a diarized, transcribed and tone-measured call out.

``analyze`` reads as the list of steps; ``hook(step, artifact, completed=, total=)`` is told
about each (it defaults to doing nothing, so the pipeline never checks for it).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from audio import align, decode, diarize, joined, models, transcribe, vad, windows
from audio.schema import CallAnalysis, Transcript
from audio.tone import pitch, report

Hook = Callable[..., None]
STEPS = ("decode", "speakers", "transcription", "alignment", "tone")
CHANNEL_LABELS = ("left", "right")
STEREO_ASR = ("joined", "per-channel")


def _no_hook(
    step: str, artifact: Any = None, *, completed: int | None = None, total: int | None = None
) -> None:
    return None


@dataclass(frozen=True)
class AnalysisOptions:
    agent_channel: str = "left"  # stereo: which channel is the agent ("left" | "right")
    layout: str = "auto"  # auto | stereo | mono; auto treats identical channels as mono
    # stereo: "joined" transcribes both channels' speech in one pass (audio.joined);
    # "per-channel" runs Whisper over each channel
    stereo_asr: str = "per-channel"
    max_duration_s: float = decode.DEFAULT_MAX_DURATION_S
    # calls longer than this are transcribed a window at a time, cut in pauses (audio.windows)
    window_s: float = windows.MAX_WINDOW_S
    threads: int = 2
    vad: vad.VadOptions = field(default_factory=vad.VadOptions)
    diarization: diarize.DiarizationOptions = field(default_factory=diarize.DiarizationOptions)
    transcription: transcribe.TranscriptionOptions = field(
        default_factory=transcribe.TranscriptionOptions
    )
    tone: report.ToneOptions = field(default_factory=report.ToneOptions)

    def __post_init__(self) -> None:
        if self.agent_channel not in CHANNEL_LABELS:
            raise ValueError(
                f"agent_channel must be one of {', '.join(CHANNEL_LABELS)}, "
                f"got {self.agent_channel!r}"
            )
        if self.layout not in ("auto", "stereo", "mono"):
            raise ValueError(f"layout must be one of auto, stereo, mono, got {self.layout!r}")
        if not self.window_s >= windows.MIN_WINDOW_S:
            raise ValueError(f"window_s must be at least {windows.MIN_WINDOW_S:g} s, "
                             f"got {self.window_s!r}")
        if self.stereo_asr not in STEREO_ASR:
            raise ValueError(f"stereo_asr must be one of {', '.join(STEREO_ASR)}, "
                             f"got {self.stereo_asr!r}")

    def flat(self) -> tuple[tuple[str, str], ...]:
        """Options as (name, value) pairs for storing alongside results."""
        items = []
        for f in fields(self):
            value = getattr(self, f.name)
            if hasattr(value, "__dataclass_fields__"):
                items += [(f"{f.name}.{k}", str(v)) for k, v in vars(value).items()]
            else:
                items.append((f.name, str(value)))
        return tuple(items)


def set_threads(threads: int) -> None:
    """Pin torch's thread pools: oversubscription makes pyannote many times slower. Called only
    where torch is needed (mono diarization): stereo calls never import it."""
    torch = models.import_torch()

    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    torch.set_num_threads(threads)
    if torch.get_num_interop_threads() != 1:
        with contextlib.suppress(RuntimeError):  # can only be set once per process
            torch.set_num_interop_threads(1)


def is_stereo(audio: decode.DecodedAudio, layout: str) -> bool:
    if layout != "auto":
        return layout == "stereo" and audio.channels == 2
    if audio.channels != 2:
        return False
    cross = left_power = right_power = 0.0
    for start in range(0, audio.frames, decode.BLOCK_SAMPLES):
        left, right = (audio.window(channel, start, start + decode.BLOCK_SAMPLES)
                       .astype(np.float64) for channel in (0, 1))
        cross += float(np.dot(left, right))
        left_power += float(np.dot(left, left))
        right_power += float(np.dot(right, right))
    correlation = abs(cross) / (np.sqrt(left_power * right_power) + 1e-12)
    return correlation < 0.98  # identical channels: a mono call stored as stereo


def _spans(turns, speaker: str | None = None) -> list[tuple[float, float]]:
    """(start, end) seconds of ``speaker``'s turns (everyone's when None)."""
    return [(t.start, t.end) for t in turns if speaker is None or t.speaker == speaker]


def _channels(audio: decode.DecodedAudio) -> dict[str, decode.Channel]:
    """Each stereo channel by its label, read a slice at a time."""
    return {label: audio.channel(index) for index, label in enumerate(CHANNEL_LABELS)}


def _stereo_words(audio: decode.DecodedAudio, turns, options: AnalysisOptions
                  ) -> list[tuple]:
    """Per channel (in CHANNEL_LABELS order), the words Whisper heard on it."""
    if options.stereo_asr == "per-channel":
        return [transcribe.transcribe_windows(channel, audio.sample_rate,
                                              _spans(turns, label), options.transcription,
                                              options.window_s)
                for label, channel in _channels(audio).items()]
    stream, pieces = joined.joined_speech(_channels(audio), turns, audio.sample_rate)
    heard = transcribe.transcribe(stream, options.transcription) if stream.size else ()
    found = joined.words_in_call(heard, pieces)
    return [tuple(w for w in found if w.speaker == label) for label in CHANNEL_LABELS]


def analyze(
    path: str | os.PathLike[str], options: AnalysisOptions | None = None, hook: Hook = _no_hook
) -> CallAnalysis:
    """Diarize, transcribe and measure the tone of the call at ``path``."""
    options = options or AnalysisOptions()
    # the tone step's imports load while Whisper transcribes (it releases the GIL; voice
    # activity detection does not, so they start after it)
    tone_modules = threading.Thread(target=pitch.load_librosa_modules, daemon=True)
    # Whisper loads (once per process; C++, GIL released) while the call is decoded and its
    # voice activity found
    whisper_model = models.load_in_background(transcribe.load, options.transcription)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def done(step: str, artifact: Any = None) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 3)
        clock = now
        if step == "speakers":
            tone_modules.start()
            whisper_model.join()
        hook(step, artifact, completed=STEPS.index(step) + 1, total=len(STEPS))

    # 1. decode: (channels, samples) at 16 kHz, int16 for long calls, read as float32 a
    # window at a time
    audio = decode.decode(path, max_duration_s=options.max_duration_s)
    done("decode", audio)
    stereo = is_stereo(audio, options.layout)
    transcription = options.transcription
    model_infos = [transcribe.describe(transcription)]

    if stereo:
        # 2. who spoke when: voice activity per channel, bleed removed
        speaker_turns = vad.stereo_turns(
            tuple(_channels(audio).values()), audio.sample_rate, CHANNEL_LABELS, options.vad
        )
        model_infos.insert(0, vad.describe(options.vad))
        done("speakers", speaker_turns)
        # 3. words per channel: both channels' speech in one pass, or each channel on its own
        channel_words = _stereo_words(audio, speaker_turns, options)
        done("transcription", channel_words)
        # 4. keep each channel's words that fall in its own speech
        words = tuple(
            word
            for label, found in zip(CHANNEL_LABELS, channel_words, strict=True)
            for word in align.keep_words_in_turns(found, speaker_turns, label)
        )
        signals = _channels(audio)
        customer = CHANNEL_LABELS[1 - CHANNEL_LABELS.index(options.agent_channel)]
        channel_roles = ((options.agent_channel, "agent"), (customer, "customer"))
        speakers = CHANNEL_LABELS
    else:
        mono = audio.mono()
        set_threads(options.threads)
        # 2. who spoke when: pyannote diarization, overlaps kept; pyannote takes the whole
        # mixdown as float32 (4 bytes a sample while it runs), everything else reads windows
        diarization = diarize.diarize(mono.whole(), audio.sample_rate, options.diarization)
        models.release_freed_memory()  # before Whisper's working memory is added on top
        speaker_turns = diarization.turns
        model_infos.insert(0, diarization.model)
        done("speakers", speaker_turns)
        # 3. words over the mix, a window at a time for long calls
        raw_words = transcribe.transcribe_windows(mono, audio.sample_rate,
                                                  _spans(speaker_turns), transcription,
                                                  options.window_s)
        done("transcription", raw_words)
        # 4. each word to the speaker it overlaps most
        words = align.assign_speakers(raw_words, speaker_turns)
        speakers = diarization.speakers or ("SPEAKER_00",)
        signals = {speaker: mono for speaker in speakers}
        channel_roles = ()

    turns = align.group_turns(words)
    transcript = Transcript(
        turns=turns,
        language=transcription.language,
        duration_s=round(audio.duration_s, 3),
        speakers=tuple(speakers),
        channel_roles=channel_roles,
        models=tuple(model_infos),
    )
    done("alignment", transcript)
    # 5. tone: loudness, pitch, rate, interruptions, silence
    if tone_modules.ident is not None:
        tone_modules.join()
    tone = report.measure(signals, audio.sample_rate, speaker_turns, transcript, options.tone)
    done("tone", tone)
    return CallAnalysis(
        source=os.fspath(path),
        duration_s=transcript.duration_s,
        channels=audio.channels,
        diarization=speaker_turns,
        transcript=transcript,
        tone=tone,
        timings_s=tuple(timings.items()),
        options=options.flat(),
    )
