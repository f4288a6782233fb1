"""The ``callqa`` command: analyze or score locally, run the service and its workers, manage keys."""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from audio.errors import AudioError
from service.errors import CallqaError

EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3


def _analysis_options(args: argparse.Namespace):
    from service.calls.options import analysis_options

    return analysis_options(
        agent_channel=args.agent_channel,
        layout=args.layout,
        stereo_asr=args.stereo_asr,
        max_duration_h=args.max_duration_h,
        threads=args.threads,
        device=args.device,
        compute_type=args.compute_type,
        asr_backend=args.asr_backend,
        asr_model=args.asr_model,
        diarization_pipeline=args.diarization_pipeline,
        hf_token=args.hf_token,
        num_speakers=args.num_speakers,
        min_speakers=args.min_speakers,
        max_speakers=args.max_speakers,
        segmentation_step=args.segmentation_step,
    )


class _Progress:
    """One stderr line for ``analyze``: the step under way, then scoring; cleared when done or
    when an error is printed, so the error gets a line of its own. Shown before the models
    load, which takes seconds on a cold start."""

    def __init__(self, name: str):
        from tqdm import tqdm

        self.name, self.steps = name, ()
        self.bar = tqdm(desc=f"analyze {name}: loading models", file=sys.stderr, leave=False,
                        bar_format="{desc} ({elapsed})")

    def _show(self, what: str) -> None:
        self.bar.set_description_str(f"analyze {self.name}: {what}", refresh=True)

    def start(self, steps: tuple[str, ...]) -> None:
        self.steps = (*steps, "scoring")
        self._show(f"0/{len(self.steps)} steps, {steps[0]}")

    def redacting(self) -> None:
        self._show("masking personal data")

    def hook(self, step, artifact=None, *, completed=None, total=None):
        done = completed if completed is not None else self.steps.index(step) + 1
        self._show(f"{done}/{len(self.steps)} steps, {self.steps[done]}")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.bar.close()


def _existing_file(path: str, what: str) -> None:
    """Refuse a path that is not a readable file now, before any model loads (seconds)."""
    target = Path(path)
    if not target.exists():
        raise FileNotFoundError(f"no such {what}: {path}")
    if not target.is_file():
        raise FileNotFoundError(f"not a file: {path} (give the {what} itself)")
    try:
        with target.open("rb"):
            pass
    except PermissionError as error:
        raise FileNotFoundError(f"cannot read the {what} {path}: permission denied") from error


def _recording_after_redact(args: argparse.Namespace) -> None:
    """``callqa analyze --redact call.wav``: the bare --redact took the recording as its list."""
    if args.audio is None and args.redact and Path(args.redact).is_file():
        args.audio, args.redact = args.redact, "all"
    if args.audio is None:
        raise FileNotFoundError("no recording given: callqa analyze CALL.wav [--redact [KINDS]]")


def cmd_analyze(args: argparse.Namespace) -> int:
    _recording_after_redact(args)
    _existing_file(args.audio, "recording")
    if args.rules:
        _existing_file(args.rules, "rules file")
    from audio.decode import probe

    probe(args.audio)  # a file that is not audio is refused before any model loads
    redact = None
    if args.redact is not None:
        from service.calls.redaction import parse_kinds

        redact = parse_kinds(args.redact)
    with _Progress(Path(args.audio).name) as progress:
        from audio.models import load_in_background
        from audio.pipeline import STEPS, analyze
        from scoring import config
        from scoring import rules as scoring_rules
        from scoring.call import score_analysis

        rules = config.load(args.rules)
        # the sentence model loads while the call is decoded
        scorer = load_in_background(scoring_rules.warm_up, rules)
        progress.start(STEPS)
        analysis = analyze(args.audio, _analysis_options(args), hook=progress.hook)
        scorer.join()
        decision, scored = score_analysis(analysis, rules, override_agent=args.agent_speaker)
        if redact:
            from service.calls.redaction import redact_call

            progress.redacting()
            analysis, scored, _ = redact_call(analysis, scored, redact)
    from audio import export
    from service.calls.report import analysis_json, text_report

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
    from service.calls.report import scored_json, text_report

    _existing_file(args.transcript, "transcript")
    if args.rules:
        _existing_file(args.rules, "rules file")
    scored = score_segments(read_segments(args.transcript), config.load(args.rules))
    result = scored_json(scored)
    print(json.dumps(result, indent=2) if args.format == "json" else text_report(result))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from scoring import config

    print(config.default_text(), end="")
    return 0


def _settings():
    from service.settings import get_settings

    return get_settings()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app

    settings = _settings()
    mode = "in-process worker" if not settings.broker_url else f"broker {settings.broker_url}"
    hints = (
        f"\n  first key:   callqa keys create --tenant demo --role admin\n"
        f"  upload:      curl -H 'Authorization: Bearer <the key>' -F file=@call.wav "
        f"http://{args.host}:{args.port}/api/v1/calls\n"
        f"  API docs:    http://{args.host}:{args.port}/docs" if args.hints else "")
    print(
        f"callqa serving on http://{args.host}:{args.port}  (data in "
        f"{settings.data_dir.resolve()}, {mode}){hints}",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from service.db import migrate
    from service.jobs.queue import WorkerRunner

    settings = _settings()
    if not settings.broker_url:
        print(
            "callqa: error: set CALLQA_BROKER_URL (redis://...) for a separate worker; "
            "'callqa serve' runs one in-process",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if args.migrate:
        migrate.upgrade(settings.sqlalchemy_url)
    unreachable = _unreachable(settings)
    if unreachable:
        print(f"callqa: worker_unreachable: {unreachable}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if args.preload:
        _preload_models(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner = WorkerRunner(settings, threads=args.threads).start()
    print(
        f"callqa worker ready ({args.threads or settings.worker_threads} threads, "
        f"broker {settings.broker_url})",
        file=sys.stderr,
        flush=True,
    )
    stop.wait()
    runner.stop()
    return 0


def _unreachable(settings) -> str:
    """Why the worker cannot work (database or broker down), or '' when both answer."""
    from service import health

    for what, check, fix in (
        ("database", health.check_database, "CALLQA_DATABASE_URL (and `callqa db upgrade`)"),
        ("broker", health.check_broker, "CALLQA_BROKER_URL"),
    ):
        try:
            check(settings)
        except Exception as error:
            return (f"the {what} did not answer ({type(error).__name__}: {error}); start it "
                    f"or fix {fix}, then start the worker again")
    return ""


def _preload_models(settings) -> None:
    """Load the models once per worker process, before the first call arrives."""
    from audio import transcribe
    from audio.redact import engine
    from audio.tone import pitch
    from scoring import config, rules

    transcribe.load(transcribe.TranscriptionOptions(cpu_threads=settings.analysis_threads))
    rules.warm_up(config.load())
    pitch.warm_up()  # librosa's JIT: loaded from its disk cache, or compiled once (15 s) if empty
    engine.analyzer()  # the masking engine (1 s, 0.2 GB), before any job thread runs


def cmd_db(args: argparse.Namespace) -> int:
    from service.db import migrate

    migrate.upgrade(_settings().sqlalchemy_url)
    print("database is at the latest schema", file=sys.stderr)
    return 0


@contextmanager
def _tenant(name: str):
    """The named tenant (created if new) in a committed session on a migrated database."""
    from service.auth import service as admin
    from service.db import migrate
    from service.db.session import unit_of_work

    settings = _settings()
    if not settings.database_url and not settings.sqlite_file.exists():
        print(f"callqa: no database at {settings.sqlite_file}: creating a new one. To use a running "
              "service's data, run this where it runs or set CALLQA_DATA_DIR (or "
              "CALLQA_DATABASE_URL) as it has them.", file=sys.stderr)
    migrate.upgrade(settings.sqlalchemy_url)
    with unit_of_work(settings.sqlalchemy_url) as session:
        yield session, admin.tenant_named(session, name)


def cmd_keys_create(args: argparse.Namespace) -> int:
    from service.auth import service as admin

    with _tenant(args.tenant) as (session, tenant):
        _, key = admin.create_key(session, tenant, args.role, args.name or "")
        tenant_id = tenant.id
    print(
        f"tenant {args.tenant} ({tenant_id}), role {args.role}; the key is shown only once:",
        file=sys.stderr,
    )
    print(key)
    return 0


def cmd_webhooks_secret(args: argparse.Namespace) -> int:
    from service.auth import service as admin

    with _tenant(args.tenant) as (_, tenant):
        if args.rotate:
            admin.rotate_webhook_secret(tenant)
        if args.twilio_auth_token:
            tenant.twilio_auth_token = args.twilio_auth_token
        secret, tenant_id = tenant.webhook_secret.split()[0], tenant.id
    print(
        f"tenant {args.tenant}: webhook URL /api/v1/webhooks/recordings?tenant={tenant_id}",
        file=sys.stderr,
    )
    print(secret)
    return 0


def cmd_keys_rotate_master(args: argparse.Namespace) -> int:
    """Re-wrap every tenant's key for sealed originals under a new master key."""
    import os

    from service.db import migrate
    from service.db.session import unit_of_work
    from service.errors import CallqaError
    from service.privacy import service as privacy

    settings = _settings()
    new = os.environ.get("CALLQA_NEW_MASTER_KEY", "")
    if not new:
        print("callqa: set CALLQA_NEW_MASTER_KEY to the new key (32 random bytes as URL-safe "
              "base64), and CALLQA_MASTER_KEY to the current one; keys are read from the "
              "environment, never from the command line", file=sys.stderr)
        return 2
    migrate.upgrade(settings.sqlalchemy_url)
    try:
        with unit_of_work(settings.sqlalchemy_url) as session:
            count = privacy.rotate_master_key(session, settings.master_key, new)
    except CallqaError as error:
        print(f"callqa: {error.message}; nothing was changed", file=sys.stderr)
        return 2
    print(f"re-sealed the data keys of {count} organisations under the new master key; now set "
          "CALLQA_MASTER_KEY to the new key on every server and worker, and restart them",
          file=sys.stderr)
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("callqa")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callqa", description=__doc__)
    parser.add_argument("--version", action="version", version=f"callqa {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="diarize, transcribe, measure tone and score a call")
    analyze.add_argument("audio", nargs="?", help="the recording: any format ffmpeg reads (wav, "
                         "mp3, ogg, flac, m4a, ...), mono or two-channel stereo")
    analyze.add_argument(
        "--agent-channel",
        choices=("left", "right"),
        default="left",
        help="stereo: the agent's channel (default left, as Twilio dual-channel "
        "puts the first party on the left)",
    )
    analyze.add_argument("--agent-speaker", help="mono: force this diarization label as agent")
    analyze.add_argument("--layout", choices=("auto", "stereo", "mono"), default="auto",
                         help="stereo: one party per channel; mono: both parties in one channel, "
                         "told apart by diarization; auto (default): stereo when the two "
                         "channels differ")
    analyze.add_argument("--stereo-asr", choices=("joined", "per-channel"), default=None,
                         help="stereo: transcribe both channels' speech in one pass (joined) or "
                         "each channel on its own (per-channel); default: the pipeline's")
    analyze.add_argument("--format", choices=("json", "text"), default="json",
                         help="json (default): the full report; text: a readable summary")
    analyze.add_argument(
        "--export",
        choices=("rttm", "srt", "vtt"),
        help="print the diarized transcript in this format instead",
    )
    analyze.add_argument("--rules", help="scoring rules TOML (default: shipped rules)")
    analyze.add_argument(
        "--redact", nargs="?", const="all", metavar="KINDS",
        help="mask personal data in everything printed (transcript, words, quotes, exports): "
        "every kind, or only those listed, e.g. --redact card_number,ssn. Kinds: "
        "card_number, security_code, expiry_date, ssn, bank_account, routing_number, email, "
        "phone_number, date_of_birth, street_address, person_name. Flags and the score are "
        "computed before masking",
    )
    analyze.add_argument("--num-speakers", type=int, default=2,
                         help="mono: how many people speak (default 2)")
    analyze.add_argument("--min-speakers", type=int, help="mono: at least this many speakers")
    analyze.add_argument("--max-speakers", type=int, help="mono: at most this many speakers")
    analyze.add_argument(
        "--diarization-pipeline",
        help="local pyannote pipeline dir or Hugging Face id (needs --hf-token)",
    )
    analyze.add_argument("--hf-token", help="Hugging Face token for a gated "
                         "--diarization-pipeline (never stored in the report)")
    analyze.add_argument(
        "--segmentation-step",
        type=float,
        default=0.5,
        help="mono: pyannote window step as a fraction of 10 s (0.1 = pyannote's default, "
        "slower; 0.5 = ours)",
    )
    analyze.add_argument(
        "--asr-backend", choices=("faster-whisper", "openai-whisper"), default="faster-whisper",
        help="speech recognition engine (default faster-whisper)",
    )
    analyze.add_argument(
        "--asr-model",
        help="model size name or local path (default: shipped tiny.en; for openai-whisper, converted from it)",
    )
    analyze.add_argument("--compute-type", default="int8",
                         help="faster-whisper precision: int8 (default), float16 (GPU), float32")
    analyze.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    analyze.add_argument("--threads", type=int, default=2,
                         help="CPU threads for speech recognition and the models (default 2)")
    analyze.add_argument("--max-duration-h", type=float, default=4.0,
                         help="refuse recordings longer than this many hours (default 4)")
    analyze.set_defaults(func=cmd_analyze)

    score = sub.add_parser("score", help="flag and score a transcript JSON")
    score.add_argument("transcript", help='JSON: {"segments": [{"speaker", "start", "end", '
                       '"text"}, ...]}, times in seconds')
    score.add_argument("--rules", help="scoring rules TOML (default: shipped rules)")
    score.add_argument("--format", choices=("json", "text"), default="json",
                       help="json (default): the full report; text: a readable summary")
    score.set_defaults(func=cmd_score)

    rules = sub.add_parser("rules", help="print the shipped scoring rules (to copy and edit)")
    rules.set_defaults(func=cmd_rules)

    serve = sub.add_parser("serve", help="run the API (and, without a broker, the worker)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                       "(default 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--no-hints", dest="hints", action="store_false",
                       help="do not print the getting-started lines (./dev run prints its own)")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run analysis jobs from CALLQA_BROKER_URL")
    worker.add_argument(
        "--threads", type=int, help="concurrent jobs (default CALLQA_WORKER_THREADS)"
    )
    worker.add_argument(
        "--no-preload",
        dest="preload",
        action="store_false",
        help="load models on the first job instead of at start",
    )
    worker.add_argument("--migrate", action="store_true", help="upgrade the database first")
    worker.set_defaults(func=cmd_worker)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db)

    keys = sub.add_parser("keys", help="API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key (and the tenant if needed)")
    create.add_argument("--tenant", required=True, help="the organisation's name (created if new)")
    create.add_argument("--role", required=True, choices=("qa", "supervisor", "platform", "admin"),
                        help="qa: upload and read calls; supervisor: read, review flags, edit scoring "
                        "rules; platform: post webhooks only; admin: everything")
    create.add_argument("--name", help="who or what holds the key")
    create.set_defaults(func=cmd_keys_create)
    keys_sub.add_parser(
        "rotate-master",
        help="re-seal every organisation's key for original recordings under a new master key "
        "(CALLQA_MASTER_KEY: the current one, CALLQA_NEW_MASTER_KEY: the new one)",
    ).set_defaults(func=cmd_keys_rotate_master)

    webhooks = sub.add_parser("webhooks", help="webhook signing")
    webhooks_sub = webhooks.add_subparsers(dest="webhooks_command", required=True)
    secret = webhooks_sub.add_parser("secret", help="print the tenant's signing secret")
    secret.add_argument("--tenant", required=True, help="the organisation's name")
    secret.add_argument(
        "--rotate",
        action="store_true",
        help="new secret; the previous one keeps working until the next rotation",
    )
    secret.add_argument("--twilio-auth-token", help="store the tenant's Twilio auth token")
    secret.set_defaults(func=cmd_webhooks_secret)
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
    except CallqaError as error:  # the same code and message the API answers with
        print(f"callqa: {error.code}: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, FileNotFoundError) as error:
        print(f"callqa: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
