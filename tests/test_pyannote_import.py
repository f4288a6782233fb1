"""pyannote is imported without torchcodec (audio.models.import_pyannote)."""

import subprocess
import sys

import pytest


@pytest.mark.slow  # imports torch and pyannote
def test_pyannote_loads_without_torchcodec_and_leaves_it_importable():
    """callqa hands pyannote decoded samples, so FFmpeg's libraries (torchcodec, 0.16 GB
    resident) stay out of a mono worker; pyannote's note that it cannot decode files is not
    shown, and anything else may still import torchcodec afterwards."""
    code = ("import sys; from audio import models; models.import_pyannote(); "
            "from pyannote.audio.core import io; "
            "print('loaded:', 'torchcodec' in sys.modules, io.TORCHCODEC_AVAILABLE); "
            "import torchcodec; print('importable after')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True,
                          env={"PYANNOTE_METRICS_ENABLED": "0", "HF_HUB_OFFLINE": "1",
                               "PATH": "/usr/bin:/bin"})
    assert "loaded: False False" in done.stdout
    assert "importable after" in done.stdout
    assert "torchcodec" not in done.stderr
