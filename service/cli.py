"""The ``callqa`` command: analyze a recording, score a transcript, export a transcript."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from audio.errors import AudioError

EXIT_BAD_INPUT = 2


def _analysis_options(args: argparse.Namespace):
    from audio.diarize import DiarizationOptions
    from audio.pipeline import AnalysisOptions
    from audio.transcribe import TranscriptionOptions

    options = AnalysisOptions(
        agent_channel=args.agent_channel,
        layout=args.layout,
        max_duration_s=args.max_duration_h * 3600,
        threads=args.threads,
    )
    return replace(
        options,
        diarization=DiarizationOptions(
            num_speakers=None if (args.min_speakers or args.max_speakers) else args.num_speakers,
            min_speakers=args.min_speakers,
            max_speakers=args.max_speakers,
            pipeline=args.diarization_pipeline,
            hf_token=args.hf_token,
            device=args.device,
        ),
        transcription=TranscriptionOptions(
            backend=args.asr_backend,
            model=args.asr_model,
            device=args.device,
            compute_type=args.compute_type,
            cpu_threads=args.threads,
        ),
    )


def _progress_hook():
    from tqdm import tqdm

    from audio.pipeline import STEPS

    bar = tqdm(total=len(STEPS), desc="analyze", unit="step", file=sys.stderr, leave=False)

    def hook(step, artifact=None, *, completed=None, total=None):
        bar.set_postfix_str(step)
        bar.update(1)
        if completed == total:
            bar.close()

    return hook


def cmd_analyze(args: argparse.Namespace) -> int:
    from audio import export
    from audio.pipeline import analyze
    from scoring import config
    from scoring.call import score_analysis
    from service.report import analysis_json, text_report

    rules = config.load(args.rules)
    analysis = analyze(args.audio, _analysis_options(args), hook=_progress_hook())
    decision, scored = score_analysis(analysis, rules, override_agent=args.agent_speaker)
    if args.export:
        labels = {decision.agent: "agent", decision.customer: "customer"}
        print(
            export.render(
                args.export,
                analysis.diarization,
                analysis.transcript.turns,
                Path(args.audio).stem,
                labels,
            ),
            end="",
        )
        return 0
    result = analysis_json(analysis, decision, scored)
    print(json.dumps(result, indent=2) if args.format == "json" else text_report(result))
    return 0


def read_segments(path: str):
    from scoring.schema import Segment

    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ValueError(f"{path}: expected a JSON object with a 'segments' list")
    segments = []
    for number, item in enumerate(data["segments"]):
        try:
            segments.append(
                Segment(
                    str(item["speaker"]),
                    float(item["start"]),
                    float(item["end"]),
                    str(item["text"]),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: segment {number} needs speaker, start, end and text ({error})"
            ) from error
    return tuple(segments)


def cmd_score(args: argparse.Namespace) -> int:
    from scoring import config
    from scoring.call import score_segments
    from service.report import scored_json, text_report

    scored = score_segments(read_segments(args.transcript), config.load(args.rules))
    result = scored_json(scored)
    print(json.dumps(result, indent=2) if args.format == "json" else text_report(result))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from scoring import config

    print(config.default_text(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callqa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="diarize, transcribe, measure tone and score a call")
    analyze.add_argument("audio")
    analyze.add_argument(
        "--agent-channel",
        choices=("left", "right"),
        default="left",
        help="stereo: the agent's channel (default left, as Twilio dual-channel "
        "puts the first party on the left)",
    )
    analyze.add_argument("--agent-speaker", help="mono: force this diarization label as agent")
    analyze.add_argument("--layout", choices=("auto", "stereo", "mono"), default="auto")
    analyze.add_argument("--format", choices=("json", "text"), default="json")
    analyze.add_argument(
        "--export",
        choices=("rttm", "srt", "vtt"),
        help="print the diarized transcript in this format instead",
    )
    analyze.add_argument("--rules", help="scoring rules TOML (default: shipped rules)")
    analyze.add_argument("--num-speakers", type=int, default=2)
    analyze.add_argument("--min-speakers", type=int)
    analyze.add_argument("--max-speakers", type=int)
    analyze.add_argument(
        "--diarization-pipeline",
        help="local pyannote pipeline dir or Hugging Face id (needs --hf-token)",
    )
    analyze.add_argument("--hf-token")
    analyze.add_argument(
        "--asr-backend", choices=("faster-whisper", "openai-whisper"), default="faster-whisper"
    )
    analyze.add_argument(
        "--asr-model", help="model size name or local path (default: shipped tiny.en; for openai-whisper, converted from it)"
    )
    analyze.add_argument("--compute-type", default="int8")
    analyze.add_argument("--device", default="cpu")
    analyze.add_argument("--threads", type=int, default=2)
    analyze.add_argument("--max-duration-h", type=float, default=4.0)
    analyze.set_defaults(func=cmd_analyze)

    score = sub.add_parser("score", help="flag and score a transcript JSON")
    score.add_argument("transcript")
    score.add_argument("--rules")
    score.add_argument("--format", choices=("json", "text"), default="json")
    score.set_defaults(func=cmd_score)

    rules = sub.add_parser("rules", help="print the shipped scoring rules (to copy and edit)")
    rules.set_defaults(func=cmd_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    from audio.models import offline_environment

    offline_environment()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AudioError as error:
        print(f"callqa: {error.code}: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, FileNotFoundError) as error:
        print(f"callqa: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
