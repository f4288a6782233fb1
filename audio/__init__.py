"""Audio analysis: decode, voice activity, diarization, transcription, alignment and tone.

Never imports ``scoring`` or ``service``.
"""
