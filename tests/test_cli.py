"""The command-line contract other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "service.cli"]


def _run(*args, stdin=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, input=stdin, timeout=600)


def test_score_contract(tmp_path):
    transcript = {"segments": [
        {"speaker": "agent", "start": 0, "end": 2, "text": "Thanks for calling, how can I help?"},
        {"speaker": "customer", "start": 2.4, "end": 5, "text": "My order is missing."},
        {"speaker": "agent", "start": 5.4, "end": 7, "text": "You'll have to call the courier."}]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(transcript))
    result = _run("score", str(path))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert 0 <= output["score"] <= 100
    flag = next(f for f in output["flags"] if f["type"] == "deflection")
    assert {"type", "speaker", "start", "end", "quote", "confidence", "rule",
            "explanation"} <= set(flag)


def test_score_rejects_bad_transcript(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"segments": [{"speaker": "agent"}]}))
    result = _run("score", str(path))
    assert result.returncode == 2 and "segment 0" in result.stderr


def test_analyze_json_and_exports(demo_call):
    result = _run("analyze", str(demo_call.stereo_path))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert {"flags", "score", "segments", "tone", "models", "options", "roles"} <= set(output)
    assert output["segments"][0]["speaker"] == "agent" and output["segments"][0]["words"]
    types = {f["type"] for f in output["flags"]}
    assert {"scripted_empathy", "system_blame", "interruption", "raised_volume"} <= types
    for fmt, marker in (("rttm", "SPEAKER demo_stereo 1"), ("srt", "-->"), ("vtt", "WEBVTT")):
        exported = _run("analyze", str(demo_call.stereo_path), "--export", fmt)
        assert exported.returncode == 0 and marker in exported.stdout
        assert "agent" in exported.stdout and "customer" in exported.stdout


def test_analyze_text_report_and_bad_input(demo_call, tmp_path):
    report = _run("analyze", str(demo_call.stereo_path), "--format", "text")
    assert "SCORE" in report.stdout and "TRANSCRIPT" in report.stdout
    bogus = tmp_path / "x.mp3"
    bogus.write_text("hello")
    result = _run("analyze", str(bogus))
    assert result.returncode == 2
    assert "not_audio" in result.stderr and "Traceback" not in result.stderr
