"""The command-line contract other tools rely on."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from tests.json_strings import strings

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
    # one format through the command; every format is rendered by the same function, which
    # tests/service/test_api_calls.py reads in all three (each run here is a whole analysis)
    exported = _run("analyze", str(demo_call.stereo_path), "--export", "rttm")
    assert exported.returncode == 0 and "SPEAKER demo_stereo 1" in exported.stdout
    assert "agent" in exported.stdout and "customer" in exported.stdout


def test_analyze_text_report_and_bad_input(demo_call, tmp_path):
    report = _run("analyze", str(demo_call.stereo_path), "--format", "text")
    assert "SCORE" in report.stdout and "TRANSCRIPT" in report.stdout
    bogus = tmp_path / "x.mp3"
    bogus.write_text("hello")
    result = _run("analyze", str(bogus))
    assert result.returncode == 2
    assert "not_audio" in result.stderr and "Traceback" not in result.stderr


def _visible_lines(stderr: str) -> list[str]:
    """What a terminal shows of stderr: each line's text after its last carriage return."""
    return [line.split("\r")[-1] for line in stderr.split("\n")]


def test_errors_get_a_line_of_their_own(tmp_path):
    bogus = tmp_path / "x.mp3"
    bogus.write_text("hello")
    result = _run("analyze", str(bogus))
    assert result.returncode == 2
    assert any(line.startswith("callqa: not_audio: x.mp3") for line in
               _visible_lines(result.stderr)), result.stderr
    assert "Loading weights" not in result.stderr
    assert "loading models" not in result.stderr  # refused before any model loads


def test_bad_paths_are_refused_before_any_model_loads(tmp_path):
    """A missing recording, a folder, or a missing rules file: refused by the command's first
    lines, so neither torch nor speech recognition is imported (they take seconds)."""
    probe = (
        "import sys\n"
        "from service.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(code, any(m in sys.modules for m in ('torch', 'faster_whisper', 'pyannote')))\n"
    )
    real = tmp_path / "call.wav"
    real.write_bytes(b"RIFF")
    for args, message in (
        (["analyze", str(tmp_path / "missing.wav")], "no such recording"),
        (["analyze", str(tmp_path)], "not a file"),
        (["analyze", str(real), "--rules", str(tmp_path / "mine.toml")], "no such rules file"),
        (["score", str(tmp_path / "missing.json")], "no such transcript"),
    ):
        result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                                text=True, timeout=120)
        assert result.stdout.split() == ["2", "False"], (args, result.stdout, result.stderr)
        assert f"callqa: error: {message}" in result.stderr


def test_version_and_help():
    from importlib.metadata import version

    from service.cli import build_parser

    result = _run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"callqa {version('callqa')}"
    def undocumented(parser, name):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, command in action.choices.items():
                    yield from undocumented(command, f"{name} {sub}")
            elif not action.help:
                yield f"{name} {action.dest}"

    assert list(undocumented(build_parser(), "callqa")) == []
    assert "--layout" in _run("analyze", "--help").stdout


def test_keys_create_says_when_it_starts_a_new_database(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("CALLQA_DATA_DIR", "CALLQA_DATABASE_URL")}
    runs = [subprocess.run([*CLI, "keys", "create", "--tenant", "t", "--role", "admin"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
            for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), runs[0].stderr
    database = (tmp_path / "callqa-data" / "callqa.db").resolve()
    assert f"no database at {database}: creating a new one" in runs[0].stderr
    assert "no database" not in runs[1].stderr


def test_analyze_redact_leaves_no_card_number_in_any_output(payment_call):
    """A call rendered with Piper and analysed for real: with --redact, the JSON report carries placeholders where the card number and code were spoken. (The exports are
    rendered from the same masked analysis, and masking leaves the flags and the score as they
    were: both checked in process, on the demo call, in tests/service/test_redaction.py; the
    kinds a user names, by tests/test_redact.py.)"""
    call = payment_call
    masked = _run("analyze", "--redact", str(call.stereo_path))
    assert masked.returncode == 0, masked.stderr
    report = json.loads(masked.stdout)
    # what was said, not numbers (a probability of 0.1732) or the test's own temporary path
    text = " ".join(strings({k: v for k, v in report.items() if k != "source"}))
    # the card was heard (a placeholder stands where it was said) and nothing of it is left
    assert "[CARD_NUMBER]" in text and "1111" not in text and "one one one" not in text.lower()
    assert "732" not in text and "seven three two" not in text.lower()
    assert report["flags"] == [] or all("1111" not in f["quote"] for f in report["flags"])
    assert dict(report["options"])["redacted"].startswith("card_number")
    refused = _run("analyze", str(call.stereo_path), "--redact", "cards")
    assert refused.returncode == 2 and "unknown kind of personal data: cards" in refused.stderr
