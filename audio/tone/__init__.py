"""How it was said: loudness, pitch, speaking rate, overtalk and silence, per speaker."""
