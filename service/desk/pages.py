"""The review desk's pages: sign-in, queue, calls, call, upload, agents, rules.

Pages are rendered on the server; the small scripts in ``static/`` add seeking, keyboard
review, drag-and-drop upload and live status by calling the same JSON API with the
session cookie and its CSRF token."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError

from scoring.config import NEGATIVE, POSITIVE, TONE
from scoring.config import default_text as default_rules_text
from service.auth import repository as auth_repository
from service.auth import sessions
from service.auth.principal import Principal, principal_for_key
from service.calls import repository as calls_repository
from service.calls.repository import CallFilters
from service.calls.schemas import FlagPublic, SegmentOut
from service.calls.service import call_detail, call_name, list_calls
from service.db.models import CALL_STATUSES, utcnow
from service.deps import SessionDep, SettingsDep
from service.desk import plots
from service.desk.viewer import (
    SIGNIN_COOKIE,
    Viewer,
    ViewerDep,
    check_csrf,
    need,
    new_signin_token,
    safe_next,
)
from service.errors import CallqaError, NotFound
from service.privacy import repository as privacy_repository
from service.privacy import service as privacy
from service.privacy.schemas import RedactionPolicy, Retention
from service.reviews import queue as review_queue
from service.reviews import service as review
from service.rules import preview as rules_preview
from service.rules import service as rules_service
from service.rules import versions as scoring_versions
from service.rules.preview import PREVIEW_CALLS
from service.validation import in_range

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["clock"] = plots.clock
templates.env.filters["human"] = lambda name: (name or "").replace("_", " ")
templates.env.filters["when"] = lambda at: at.strftime("%Y-%m-%d %H:%M UTC") if at else ""
templates.env.filters["signed"] = plots.signed
templates.env.filters["band"] = plots.score_band
templates.env.tests["waiting"] = calls_repository.waits_for_review
templates.env.globals["call_name"] = call_name
templates.env.filters["number"] = plots.number
templates.env.globals["asset_version"] = hashlib.sha256(
    b"".join(p.read_bytes() for p in sorted(STATIC_DIR.iterdir()))
).hexdigest()[:10]

router = APIRouter(include_in_schema=False)

SIGNIN_NOTICES = {
    "expired": "Your session expired. Sign in again to carry on where you were.",
    "ended": "Your session has ended. Sign in again.",
    "signed_out": "You are signed out.",
}


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def page(request: Request, who: Viewer, name: str, **context) -> HTMLResponse:
    return render(request, name, who=who, **context)


def landing(principal) -> str:
    """Where a role starts: supervisors at the queue, QA staff at the upload page."""
    return "/queue" if principal.can("review") else "/upload"


@router.get("/")
def home(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    state = sessions.resolve(session, settings, request.cookies.get(sessions.COOKIE, ""))
    if state.key is None:
        return RedirectResponse("/signin", status_code=303)
    return RedirectResponse(landing(Principal.of(state.key)), status_code=303)


# --- sign-in -----------------------------------------------------------------------------


def _signin_page(request: Request, status_code: int = 200, **context) -> Response:
    """The sign-in form with a fresh double-submit token, in the page and in a cookie."""
    token = new_signin_token()
    response = render(request, "signin.html", status_code, signin_token=token, **context)
    response.set_cookie(SIGNIN_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return response


@router.get("/signin")
def signin_form(request: Request, next: str = "/", reason: str = "") -> Response:
    return _signin_page(request, next=safe_next(next), notice=SIGNIN_NOTICES.get(reason, ""))


@router.post("/signin")
async def signin(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    form = await request.form()
    next_url = safe_next(str(form.get("next") or "/"))
    expected = request.cookies.get(SIGNIN_COOKIE, "")

    def refuse(message: str, status_code: int) -> Response:
        return _signin_page(request, status_code, next=next_url, error=message)

    if not sessions.csrf_matches(expected, str(form.get("signin_token") or "")):
        return refuse("The sign-in form had expired. Paste your key again.", 400)
    key = str(form.get("api_key") or "").strip()
    principal = principal_for_key(session, key) if key else None
    if principal is None:
        return refuse(
            "That API key was not recognised. Check it was copied whole (it starts with "
            "cqa_) and has not been revoked.",
            401,
        )
    if principal.role == "platform":
        return refuse(
            "This key has the platform role: it posts recordings by webhook and cannot sign "
            "in. Ask an admin for a qa or supervisor key.",
            403,
        )
    token = sessions.open_session(
        session, settings, principal.key_id, principal.tenant_id,
        request.headers.get("user-agent", ""),
    )
    if next_url == "/":
        next_url = landing(principal)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        sessions.COOKIE, token, httponly=True, samesite="lax",
        secure=request.url.scheme == "https", max_age=settings.session_max_hours * 3600,
    )
    response.delete_cookie(SIGNIN_COOKIE)
    return response


@router.post("/signout")
async def signout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    token = request.cookies.get(sessions.COOKIE, "")
    state = sessions.resolve(session, settings, token)
    form = await request.form()
    if state.key is not None:
        check_csrf(
            Viewer(Principal.of(state.key), state.csrf_token), str(form.get("csrf_token") or "")
        )  # a forged sign-out leaves the session (and its cookie) alone
        sessions.close_session(session, token)
    response = RedirectResponse("/signin?reason=signed_out", status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response


# --- queue -------------------------------------------------------------------------------


def _day(value: str | None, field: str, errors: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        return in_range(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC))
    except ValueError:
        errors.append(f"{field} must be a date like 2026-11-25")
        return None


def _number(value: str | None, field: str, errors: list[str]) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        errors.append(f"{field} must be a number from 0 to 100")
        return None


def _window(date_from: str, date_to: str, score_min: str, score_max: str, errors: list[str]
            ) -> dict[str, Any]:
    """The dates (the To day included) and score range of a filter form, as CallFilters
    fields; what cannot be read goes to ``errors``."""
    until = _day(date_to, "To date", errors)
    return {"created_from": _day(date_from, "From date", errors),
            "created_to": until + timedelta(days=1) if until else None,
            "score_min": _number(score_min, "Lowest score", errors),
            "score_max": _number(score_max, "Highest score", errors)}


def _linker(path: str, current: dict[str, str]):
    """``link(**changes)``: ``path`` with the current query, some parameters changed (None
    or "" drops one)."""

    def link(**changes: Any) -> str:
        merged = {k: v for k, v in (current | changes).items() if v not in (None, "")}
        return f"{path}?{urlencode(merged)}"

    return link


@router.get("/queue")
def queue_page(
    request: Request,
    *,
    type: str = "",
    agent: str = "",
    date_from: str = "",
    date_to: str = "",
    score_min: str = "",
    score_max: str = "",
    page_number: int = Query(1, alias="page", ge=1),
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    need(who, "review", "The review queue")
    errors: list[str] = []
    filters = review_queue.QueueFilters(
        flag_type=type or None, agent_id=agent or None,
        **_window(date_from, date_to, score_min, score_max, errors),
    )
    found = review_queue.calls_to_review(
        session, who.principal.tenant_id, filters, max(1, page_number), per_page=25
    )
    return page(
        request, who, "queue.html", found=found, errors=errors,
        agents=calls_repository.agent_ids(session, who.principal.tenant_id),
        form={"type": type, "agent": agent, "date_from": date_from, "date_to": date_to,
              "score_min": score_min, "score_max": score_max},
        page_number=max(1, page_number), link=_linker("/queue", dict(request.query_params)),
    )


# --- every call --------------------------------------------------------------------------

CALLS_PER_PAGE = 50
REVIEW_STATES = {"waiting": True, "done": False}


@router.get("/calls")
def calls_page(
    request: Request,
    *,
    q: str = "",
    agent: str = "",
    status: str = "",
    type: str = "",
    review_state: str = Query("", alias="review"),
    date_from: str = "",
    date_to: str = "",
    score_min: str = "",
    score_max: str = "",
    cursor: str = "",
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    """Every call of the tenant, newest first, with search and filters, so a call that has
    nothing left to review (or failed) can still be found."""
    need(who, "read", "The list of calls")
    errors: list[str] = []
    reviewing = REVIEW_STATES.get(review_state)
    filters = CallFilters(
        search=q.strip() or None,
        agent_id=agent or None,
        # review progress is only of analysed calls
        status=status if status in CALL_STATUSES else ("done" if reviewing is not None else None),
        flag_type=type or None,
        has_unreviewed=reviewing,
        **_window(date_from, date_to, score_min, score_max, errors),
    )
    try:
        found = list_calls(session, who.principal.tenant_id, filters, CALLS_PER_PAGE,
                           cursor or None)
    except CallqaError:  # a cursor from an old or edited link: start again from the top
        errors.append("That page link is out of date; showing the newest calls.")
        found = list_calls(session, who.principal.tenant_id, filters, CALLS_PER_PAGE, None)
    progress = calls_repository.review_progress(session, [c.id for c in found.items])
    agents = calls_repository.agent_ids(session, who.principal.tenant_id)
    link = _linker("/calls", {k: v for k, v in request.query_params.items() if k != "cursor"})

    return page(
        request, who, "calls.html", calls=found.items, progress=progress, errors=errors,
        agents=agents, statuses=CALL_STATUSES, flag_types=sorted(NEGATIVE + POSITIVE + TONE),
        next_link=link(cursor=found.next_cursor) if found.next_cursor else "",
        first_link=link() if cursor else "",
        form={"q": q, "agent": agent, "status": status, "type": type, "review": review_state,
              "date_from": date_from, "date_to": date_to, "score_min": score_min,
              "score_max": score_max},
        filtered=any([q, agent, status, type, review_state, date_from, date_to, score_min,
                      score_max]),
    )


# --- one call ----------------------------------------------------------------------------


Piece = tuple[str, FlagPublic | None]


def _mark_words(segments: list[SegmentOut], flags: list[FlagPublic]) -> list[list[Piece]]:
    """Per turn, its ``pieces`` [(text, flag or None)]: runs of words that a flag on the
    same speaker's side covers, so the transcript can highlight the quoted span."""
    quoted = [f for f in flags if f.quote]  # tone flags mark a time span, not words
    marked = []
    for segment in segments:
        pieces: list[Piece] = []
        for word in segment.words:
            covering = next(
                (f for f in quoted if f.speaker == segment.speaker
                 and f.start < word.end and word.start < f.end),
                None,
            )
            # one unbroken highlight per run of flagged words, even where two flags overlap
            # (flags that only touch keep their own highlight and click target)
            before = pieces[-1][1] if pieces else None
            if pieces and (before is covering or (
                    covering is not None and before is not None
                    and covering.start < before.end and before.start < covering.end)):
                pieces[-1] = (f"{pieces[-1][0]} {word.text}", pieces[-1][1])
            else:
                pieces.append((word.text, covering))
        marked.append(pieces or [(segment.text, None)])
    return marked


@router.get("/calls/{call_id}")
def call_page(
    request: Request,
    call_id: str,
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    need(who, "read", "A call's page")
    call = calls_repository.tenant_call(session, who.principal.tenant_id, call_id)
    if call is None:
        return page(request, who, "error.html", status_code=404, title="Call not found",
                    message=f"There is no call {call_id!r} in your organisation.")
    privacy.record(session, call.tenant_id, privacy.actor(who.principal), "read_call", call.id,
                   via="desk")
    detail = call_detail(session, call)
    timeline, pieces, reviews = "", [], {}
    if call.status == "done" and detail.roles is not None:
        result = calls_repository.result(session, call.id)
        role_of = {detail.roles.agent: "agent", detail.roles.customer: "customer"}
        timeline = plots.timeline(
            detail.duration_s, result.analysis["tone"].get("tracks", []), role_of,
            [event.model_dump() for event in detail.tone.events],
            [flag.model_dump() for flag in detail.flags],
        )
        pieces = _mark_words(detail.segments, detail.flags)
        latest = review.latest_reviews(session, call.id)
        reviews = {flag.id: latest.get((flag.rule, round(flag.start, 1))) for flag in detail.flags}
    return page(request, who, "call.html", call=call, detail=detail, pieces=pieces,
                reviews=reviews, timeline=Markup(timeline),
                reviewed=review.reviewed_call_score(detail.flags) if call.status == "done"
                else None)


@router.post("/calls/{call_id}/flags/{flag_id}/review")
async def review_form(
    request: Request,
    call_id: str,
    flag_id: str,
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    """The no-script path of the confirm/dismiss buttons (scripts call the API instead)."""
    form = await request.form()
    check_csrf(who, str(form.get("csrf_token") or ""))
    need(who, "review", "Confirming or dismissing flags")
    verdict = str(form.get("verdict") or "")
    known = calls_repository.tenant_call(session, who.principal.tenant_id, call_id)
    if verdict not in ("confirmed", "dismissed") or known is None:
        return page(request, who, "error.html", status_code=404, title="Nothing to review",
                    message="That flag or verdict is unknown.")
    try:
        review.record_verdict(
            session, who.principal.tenant_id, who.principal.key_id, who.principal.name,
            flag_id, verdict, str(form.get("note") or "").replace("\x00", "")[:4000],
        )
    except NotFound:
        return page(request, who, "error.html", status_code=404, title="Flag not found",
                    message=f"There is no flag {flag_id!r} on this call.")
    return RedirectResponse(f"/calls/{call_id}#flag-{flag_id}", status_code=303)


# --- upload ------------------------------------------------------------------------------


@router.get("/upload")
def upload_page(
    request: Request,
    who: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    need(who, "upload", "Uploading calls")
    recent = calls_repository.page_of_calls(
        session, who.principal.tenant_id, CallFilters(), limit=20
    )
    return page(request, who, "upload.html", recent=recent,
                max_upload_mb=settings.max_upload_mb)


# --- agents and rules --------------------------------------------------------------------


@router.get("/agents")
def agents_page(
    request: Request,
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    need(who, "review", "Agent scorecards")
    return page(request, who, "agents.html",
                agents=review.agents_overview(session, who.principal.tenant_id))


WEEKLY_FROM_DAYS = 45  # longer trends are drawn per week, or the chart is all dots


@router.get("/agents/{agent_id}")
def agent_page(
    request: Request,
    *,
    agent_id: str,
    date_from: str = "",
    date_to: str = "",
    bucket: str = "",
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    need(who, "review", "Agent scorecards")
    errors: list[str] = []
    since, until = _day(date_from, "From date", errors), _day(date_to, "To date", errors)
    window = (since, until + timedelta(days=1) if until else None)
    form = {"date_from": date_from, "date_to": date_to, "bucket": bucket}
    try:
        card = review.agent_scorecard(
            session, who.principal.tenant_id, agent_id, *window,
            bucket="week" if bucket == "week" else "day",
        )
        if not bucket and len(card["trend"]) > WEEKLY_FROM_DAYS:
            card = review.agent_scorecard(
                session, who.principal.tenant_id, agent_id, *window, bucket="week"
            )
    except NotFound as error:
        if not any(window):
            return page(request, who, "error.html", status_code=404, title="No scorecard",
                        message=error.message.capitalize() + ".")
        errors.append("No analysed calls for this agent in this period.")
        return page(request, who, "agent.html", card={"agent_id": agent_id, "calls": 0},
                    rates=[], context=[], form=form, errors=errors, trend="")

    def ordered(rates: dict) -> list:
        return sorted(rates.items(),
                      key=lambda item: (item[1].get("polarity") != "negative", -item[1]["agent"]))

    return page(request, who, "agent.html", card=card, rates=ordered(card["flag_rates_per_call"]),
                context=ordered(card["customer_context_per_call"]), form=form, errors=errors,
                trend=Markup(plots.trend(card["trend"])))


@router.get("/rules")
def rules_page(
    request: Request,
    who: ViewerDep,
    session: SessionDep,
) -> Response:
    need(who, "review", "Rule precision")
    learned = request.query_params.get("learned", "")
    learned = learned if re.fullmatch(r"version \d{1,7}|nothing", learned) else ""
    saved = request.query_params.get("saved", "")
    return _rules(request, who, session, learned=learned,
                  saved=saved if re.fullmatch(r"\d{1,7}", saved) else "")


FEW_VERDICTS = 5  # a rule's precision on fewer verdicts than this is marked as a small sample


def _rules(request: Request, who: Viewer, session, status_code: int = 200, **context
           ) -> HTMLResponse:
    """The Rules page: precision per rule, the scoring configuration (with a preview of an
    edit), learning from verdicts and the versions."""
    stats = review.rule_precision(session, who.principal.tenant_id)
    # rules judged often enough come first, those that cry wolf most at the top; rules with
    # few verdicts after them (their precision says little), unjudged rules last
    stats.sort(key=lambda r: (r["precision"] is None, r["judged"] < FEW_VERDICTS,
                              r["precision"] or 0, -r["fired"]))
    tenant = auth_repository.tenant(session, who.principal.tenant_id)
    context.setdefault("config_text", tenant.scoring_config or default_rules_text())
    return page(request, who, "rules.html", status_code=status_code, stats=stats,
                generated_at=utcnow(), versions=scoring_versions.listing(session, tenant.id),
                can_config=who.principal.can("config"), few_verdicts=FEW_VERDICTS,
                preview_calls=PREVIEW_CALLS, **context)


@router.post("/rules/config")
async def config_form(
    request: Request,
    who: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Preview an edit of the scoring configuration on the latest calls, or save it (a new
    version) and re-score the stored calls."""
    await _config_change(request, who, "Editing the scoring configuration")
    form = await request.form()
    text = str(form.get("text") or "")
    try:
        rules = rules_service.validated(text)
    except CallqaError as error:
        return _rules(request, who, session, status_code=422, config_text=text,
                      config_error=error.message)
    if form.get("action") == "save":
        tenant = auth_repository.tenant(session, who.principal.tenant_id)
        _, version = rules_service.replace(session, settings, tenant, text, who.principal.name,
                                           rescore=True)
        return RedirectResponse(f"/rules?saved={version.number}#config", status_code=303)
    # seconds of scoring: in a worker thread, so other requests are served meanwhile
    found = await run_in_threadpool(rules_preview.preview, session, who.principal.tenant_id,
                                    rules)
    return _rules(request, who, session, config_text=text, preview=found)


async def _config_change(request: Request, who: Viewer, what: str) -> None:
    """The checks every scoring-rules form passes: its CSRF token and the config permission."""
    form = await request.form()
    check_csrf(who, str(form.get("csrf_token") or ""))
    need(who, "config", what)


@router.post("/rules/learn")
async def learn_form(
    request: Request,
    who: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Adjust this tenant's scoring from its verdicts, then re-score stored calls."""
    await _config_change(request, who, "Learning from verdicts")
    tenant = auth_repository.tenant(session, who.principal.tenant_id)
    _, number = rules_service.learn(session, settings, tenant, who.principal.name)
    outcome = f"version {number}" if number is not None else "nothing"
    return RedirectResponse(f"/rules?learned={outcome}#versions", status_code=303)


@router.post("/rules/versions/{number}/restore")
async def restore_form(
    request: Request,
    *,
    number: int = PathParam(ge=1, le=1_000_000),
    who: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    await _config_change(request, who, "Restoring scoring rules")
    tenant = auth_repository.tenant(session, who.principal.tenant_id)
    try:
        rules_service.restore(session, settings, tenant, number, who.principal.name)
    except NotFound:
        return page(request, who, "error.html", status_code=404, title="No such version",
                    message=f"There is no scoring rules version {number}.")
    return RedirectResponse("/rules#versions", status_code=303)


AUDIT_ACTIONS = {
    "read_call": "opened the call", "read_transcript": "read the transcript",
    "read_audio": "played or downloaded the recording", "erase_call": "deleted the call",
    "erase_calls": "deleted every call about someone", "purge_call": "deleted (retention)",
    "purge_audio": "deleted the recording (retention)",
    "read_original_audio": "downloaded the original recording",
    "set_redaction": "changed what is masked", "set_retention": "changed how long calls are kept",
    "rotate_master_key": "re-sealed the key to the original recordings with a new server key",
}


@router.get("/privacy")
def privacy_page(request: Request, who: ViewerDep, session: SessionDep) -> Response:
    need(who, "review", "Privacy settings")
    return _privacy(request, who, session, saved=request.query_params.get("saved") == "1")


def _privacy(request: Request, who: Viewer, session, status_code: int = 200,
             **context) -> HTMLResponse:
    from audio.redact.kinds import LABEL

    tenant = auth_repository.tenant(session, who.principal.tenant_id)
    events = None
    if who.principal.can("admin"):
        events = privacy_repository.events(session, tenant.id, call_id=None, action=None,
                                           before_id=None, limit=50)
    return page(request, who, "privacy.html", status_code=status_code,
                policy=privacy.policy(tenant), retention=privacy.retention(tenant),
                kinds=[(k, label[:1].upper() + label[1:]) for k, label in LABEL.items()],
                can_config=who.principal.can("admin"), events=events,
                actions=AUDIT_ACTIONS, **context)


@router.post("/privacy")
async def privacy_form(request: Request, who: ViewerDep, session: SessionDep,
                       settings: SettingsDep) -> Response:
    """Save the redaction policy and retention from the Privacy page's form."""
    form = await request.form()
    check_csrf(who, str(form.get("csrf_token") or ""))
    need(who, "admin", "Changing privacy settings")
    try:
        policy = RedactionPolicy(kinds=form.getlist("kinds"), audio=form.get("audio") or "off",
                                 keep_original=form.get("keep_original") == "yes")
        retention = Retention(audio_days=_days(form.get("audio_days")),
                              call_days=_days(form.get("call_days")))
    except (ValidationError, ValueError):
        return _privacy(request, who, session, status_code=422,
                        error="Days must be whole numbers: recordings 0 or more, calls 1 or "
                              "more, at most 36500.")
    tenant = auth_repository.tenant(session, who.principal.tenant_id)
    try:
        privacy.set_policy(session, settings, tenant, policy, privacy.actor(who.principal))
    except CallqaError as error:
        return _privacy(request, who, session, status_code=error.status, error=error.message)
    privacy.set_retention(session, tenant, retention, privacy.actor(who.principal))
    return RedirectResponse("/privacy?saved=1", status_code=303)


def _days(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text else None
