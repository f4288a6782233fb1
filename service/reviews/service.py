"""Supervisor review: verdicts, per-rule precision, agent scorecards, re-scoring. Functions
flush; the request or job commits."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from scoring.score import total
from service.auth import repository as auth_repository
from service.calls import repository as calls_repository
from service.calls.repository import CallFilters
from service.calls.results import rescore, tenant_rules
from service.calls.service import call_name
from service.db.models import FlagRow, Review
from service.db.session import unit_of_work
from service.errors import NotFound
from service.reviews import repository
from service.rules import repository as rules_repository
from service.settings import Settings

log = logging.getLogger("callqa.review")


def rescore_tenant(settings: Settings, tenant_id: str) -> int:
    """Re-score every analysed call of the tenant with its current rules, one unit of work
    per call; returns the count."""
    with unit_of_work(settings.sqlalchemy_url) as session:
        tenant = auth_repository.tenant(session, tenant_id)
        rules, requested_at = tenant_rules(tenant.scoring_config), tenant.rescore_requested_at
        call_ids = calls_repository.done_call_ids(session, tenant_id)
    for call_id in call_ids:
        with unit_of_work(settings.sqlalchemy_url) as session:
            call = calls_repository.call(session, call_id)
            if call is not None and call.status == "done":
                rescore(session, call, rules)
    with unit_of_work(settings.sqlalchemy_url) as session:
        rules_repository.rescore_done(session, tenant_id, requested_at)
    log.info("re-scored %d calls for tenant %s", len(call_ids), tenant_id)
    return len(call_ids)


def tenant_flag(session: Session, tenant_id: str, flag_id: str) -> FlagRow:
    flag = repository.tenant_flag(session, tenant_id, flag_id)
    if flag is None:  # another tenant's flag answers the same: ids cannot be probed
        raise NotFound(f"no flag {flag_id!r}", code="unknown_flag")
    return flag


def record_verdict(
    session: Session,
    tenant_id: str,
    reviewer_key_id: str,
    reviewer_name: str,
    flag_id: str,
    verdict: str,
    note: str,
) -> FlagRow:
    """Set a flag's verdict and append it to the audit trail (the note masked as the tenant's
    redaction policy asks)."""
    from service.privacy import service as privacy

    flag = tenant_flag(session, tenant_id, flag_id)
    flag.verdict = verdict
    note = privacy.masked(auth_repository.tenant(session, tenant_id), note)
    session.add(
        Review(
            tenant_id=tenant_id,
            call_id=flag.call_id,
            flag_id=flag.id,
            flag_type=flag.type,
            rule=flag.rule,
            flag_start=flag.start,
            verdict=verdict,
            note=note,
            reviewer_key_id=reviewer_key_id,
            reviewer_name=reviewer_name,
        )
    )
    session.flush()
    call = calls_repository.call(session, flag.call_id)
    call.unreviewed_flags = repository.count_unreviewed(session, flag.call_id)
    session.flush()
    return flag


def latest_reviews(session: Session, call_id: str) -> dict[tuple[str, float], Review]:
    """The newest verdict per flag of a call, keyed by (rule, start rounded to 0.1 s) so it
    still finds a flag whose row a re-score replaced."""
    return {(r.rule, round(r.flag_start, 1)): r for r in calls_repository.reviews_of(session, call_id)}


def rule_precision(session: Session, tenant_id: str) -> list[dict[str, Any]]:
    """Per rule: flags fired, latest verdicts, precision = confirmed / judged (None unjudged)."""
    stats: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"fired": 0, "confirmed": 0, "dismissed": 0, "type": ""}
    )
    for rule, flag_type, count in repository.fired_per_rule(session, tenant_id):
        stats[rule]["fired"] += count
        stats[rule]["type"] = flag_type
    for rule, verdict, count in repository.latest_verdicts_per_rule(session, tenant_id):
        stats[rule][verdict] += count
    out = []
    for rule, row in sorted(stats.items()):
        decided = row["confirmed"] + row["dismissed"]
        low, high = wilson_interval(row["confirmed"], decided)
        out.append(
            {
                "rule": rule,
                **row,
                "judged": decided,
                "precision": round(row["confirmed"] / decided, 3) if decided else None,
                "precision_low": low,
                "precision_high": high,
            }
        )
    return out


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """The 95% Wilson score interval of a proportion: honest on a handful of verdicts (1 of
    1 confirmed is 0.21-1.00, not 100%)."""
    if not trials:
        return None, None
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * ((p * (1 - p) / trials + z * z / (4 * trials * trials)) ** 0.5) / (1 + z * z / trials)
    return round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3)


def reviewed_score(call) -> float:
    """A call's score once its dismissed flags give their points back: 100 plus the points
    of the flags kept, within 0-100 (a row of ``repository.scored_calls``). Calls whose flags
    were stored without points give back what is known from their stored score."""
    if call.unknown_points:
        return total(call.score - 100.0 - call.dismissed_points)
    return total(call.kept_points)


def reviewed_call_score(flags) -> float | None:
    """The score of a call's flags (public form) after review, or None when no dismissal
    changed it or points were not stored."""
    if any(f.points is None for f in flags):
        return None
    if not any(f.verdict == "dismissed" and f.points for f in flags):
        return None
    return total(sum(f.points for f in flags if f.verdict != "dismissed"))


def agent_scorecard(
    session: Session,
    tenant_id: str,
    agent_id: str,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    bucket: str = "day",
) -> dict[str, Any]:
    """The agent against the rest of the team (every other call in the range): score trend
    per day or per week (``bucket``; a week is named by its Monday), flags per call, worst
    calls. Fair to the agent: scores are after review (a dismissed flag gives its points
    back), flag rates count only the agent's own flags that no reviewer dismissed, and the
    customer's flags (raised voice, escalation, repeats) are context, counted apart.
    NotFound when the agent has no analysed call in the range."""
    window = CallFilters(status="done", created_from=created_from, created_to=created_to)
    calls = repository.scored_calls(session, tenant_id, window)
    mine = [c for c in calls if c.agent_id == agent_id]
    team = [c for c in calls if c.agent_id != agent_id]
    if not mine:
        raise NotFound(
            f"no analysed calls for agent {agent_id!r} in this range", code="no_scorecard"
        )
    score = {c.id: reviewed_score(c) for c in calls}
    is_mine = {c.id for c in mine}
    counted: dict[str, dict[str, dict[str, Any]]] = {"agent": {}, "customer": {}}
    for call_id, speaker, flag_type, polarity, count in repository.flag_counts_per_call(
        session, tenant_id, window
    ):
        side = counted["customer" if speaker == "customer" else "agent"]
        rates = side.setdefault(flag_type, {"agent": 0.0, "team": 0.0, "polarity": polarity})
        rates["agent" if call_id in is_mine else "team"] += count
    for side in counted.values():
        for rates in side.values():
            rates["agent"] = round(rates["agent"] / len(mine), 3)
            rates["team"] = round(rates["team"] / len(team), 3) if team else None
    trend: dict[str, list[float]] = defaultdict(list)
    team_trend: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        day = call.created_at.date()
        label = (day - timedelta(days=day.weekday()) if bucket == "week" else day).isoformat()
        (trend if call.id in is_mine else team_trend)[label].append(score[call.id])
    return {
        "agent_id": agent_id,
        "calls": len(mine),
        "team_calls": len(team),
        "bucket": bucket,
        "average_score": _mean(score[c.id] for c in mine),
        "team_average_score": _mean(score[c.id] for c in team) if team else None,
        "trend": [
            {
                "date": day,
                "average_score": _mean(scores),
                "calls": len(scores),
                "team_average_score": _mean(team_trend[day]) if team_trend[day] else None,
            }
            for day, scores in sorted(trend.items())
        ],
        "flag_rates_per_call": dict(sorted(counted["agent"].items())),
        "customer_context_per_call": dict(sorted(counted["customer"].items())),
        "worst_calls": [
            {"id": c.id, "score": score[c.id], "created_at": c.created_at.isoformat(),
             "name": call_name(c.external_id, c.original_filename, c.id)}
            for c in sorted(mine, key=lambda c: score[c.id])[:5]
        ],
    }


def agents_overview(session: Session, tenant_id: str) -> list[dict[str, Any]]:
    """Every agent with analysed calls: call count and average score after review, worst
    first."""
    calls = repository.scored_calls(session, tenant_id, CallFilters(status="done"))
    unreviewed = dict(repository.unreviewed_per_agent(session, tenant_id))
    scores: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        if call.agent_id is not None:
            scores[call.agent_id].append(reviewed_score(call))
    rows = [{"agent_id": agent, "calls": len(values), "average_score": _mean(values),
             "unreviewed_flags": int(unreviewed.get(agent) or 0)}
            for agent, values in scores.items()]
    return sorted(rows, key=lambda row: (row["average_score"], row["agent_id"]))


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 1)
