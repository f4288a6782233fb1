"""Personal data in a call: found in what was said (``detect``), masked in the transcript, in
text cut from it and in the audio (``mask``). Never imports ``scoring`` or ``service``."""
