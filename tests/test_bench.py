"""The benchmark's corpus and scoring code stay working (CI runs this tiny slice; the figures
come from `python -m bench.run`)."""

from __future__ import annotations

import soundfile as sf

from audio.pipeline import AnalysisOptions


def test_corpus_renders_conditions_with_ground_truth(tmp_path):
    from bench import corpus

    calls = corpus.build(tmp_path, ("clean", "telephone"), limit=1)
    assert [c.condition for c in calls] == ["clean", "telephone"]
    clean, phone = calls
    assert sf.info(str(phone.call.stereo_path)).samplerate == 8000
    assert sf.info(str(phone.call.stereo_path)).subtype == "ULAW"
    assert len(clean.labels) == len(clean.call.turns)
    loud = [t for t in clean.call.turns if t.gain_db >= 6]
    assert loud and any("raised_volume" in clean.labels[clean.call.turns.index(t)] for t in loud)


def test_one_dialog_end_to_end(tmp_path):
    from bench import corpus, run

    calls = corpus.build(tmp_path, ("clean",), limit=1)
    text = {row[0]: row for row in run.text_flags(calls)}
    assert text["micro"][4] >= 0.75  # precision of text-only flags on this dialog
    result = run.evaluate(calls, AnalysisOptions())
    stereo = result["by"][("stereo", "clean")]
    assert stereo["roles"] == [1.0] and stereo["der"][0] < 0.25
    assert "micro" in run.accuracy_tables(result)


def test_flag_tables_and_learning_simulation_run():
    from bench import flags, learning

    dialogs = flags.labelled(flags.HELDOUT)
    table, figures = flags.text_table("held-out", dialogs, flags.found_flags(dialogs, _rules()))
    assert "| micro |" in table and 0 <= figures["micro"][2] <= 1
    # 60 fresh calls (12 s less than 120; false positives 0.52 -> 0.32 of them at 2026.12-17)
    report = learning.main(["--reviewed", "20", "--fresh", "60", "--out", ""])
    before, after = report["false_positive_rate"]
    # the target (at least half fewer) is measured and reported by the benchmark
    # (bench/results/learning.md: -74% at rules 2026.12-3, -57% at 2026.12-2, -30% before);
    # what must hold here, on any CPU, is that learning helps, loses no recall and keeps every
    # confirmed flag
    assert before > 0 and after < before, report
    assert not report["recall_lost"], report
    kept, confirmed = report["confirmed_kept"]
    assert kept == confirmed, report


def _rules():
    from scoring import config

    return config.load()
