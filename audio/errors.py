"""Typed errors for bad audio input. Each names the problem in words a user can act on."""


class AudioError(Exception):
    """Base class: the recording cannot be analysed. ``code`` is a stable machine-readable name."""

    code = "audio_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyFileError(AudioError):
    code = "empty_file"


class NotAudioError(AudioError):
    code = "not_audio"


class CorruptAudioError(AudioError):
    code = "corrupt_audio"


class UnsupportedCodecError(AudioError):
    code = "unsupported_codec"


class ZeroDurationError(AudioError):
    code = "zero_duration"


class SilentRecordingError(AudioError):
    code = "silent_recording"


class TooLongError(AudioError):
    code = "too_long"


class SteadyToneError(AudioError):
    """One unchanging sound (a tone, hum or hiss: a test signal, a stuck line) throughout."""

    code = "steady_tone"


class AbsurdHeaderError(AudioError):
    code = "absurd_header"


class ModelNotFoundError(Exception):
    """A model file or package that should be installed is missing."""
