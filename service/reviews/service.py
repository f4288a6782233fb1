"""Supervisor review: verdicts, per-rule precision, agent scorecards, re-scoring. Functions
flush; the request or job commits."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.auth import repository as auth_repository
from service.calls import repository as calls_repository
from service.calls.repository import CallFilters
from service.calls.results import rescore, tenant_rules
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
    """Set a flag's verdict and append it to the audit trail."""
    flag = tenant_flag(session, tenant_id, flag_id)
    flag.verdict = verdict
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
        out.append(
            {
                "rule": rule,
                **row,
                "precision": round(row["confirmed"] / decided, 3) if decided else None,
            }
        )
    return out


def agent_scorecard(
    session: Session,
    tenant_id: str,
    agent_id: str,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    bucket: str = "day",
) -> dict[str, Any]:
    """Score trend per day or per week (``bucket``; a week is named by its Monday), flag
    rates per call against the team, worst calls. NotFound when the agent has no analysed
    call in the range."""
    window = CallFilters(status="done", created_from=created_from, created_to=created_to)
    calls = repository.scored_calls(session, tenant_id, window)
    mine = [c for c in calls if c.agent_id == agent_id]
    if not mine:
        raise NotFound(
            f"no analysed calls for agent {agent_id!r} in this range", code="no_scorecard"
        )
    per_type: dict[str, dict[str, Any]] = defaultdict(lambda: {"agent": 0.0, "team": 0.0})
    for flag_agent, flag_type, polarity, count in repository.flag_counts_per_agent(
        session, tenant_id, window
    ):
        per_type[flag_type]["team"] += count
        per_type[flag_type]["polarity"] = polarity
        if flag_agent == agent_id:
            per_type[flag_type]["agent"] += count
    for rates in per_type.values():
        rates["agent"] = round(rates["agent"] / len(mine), 3)
        rates["team"] = round(rates["team"] / len(calls), 3)
    trend: dict[str, list[float]] = defaultdict(list)
    team_trend: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        day = call.created_at.date()
        label = (day - timedelta(days=day.weekday()) if bucket == "week" else day).isoformat()
        team_trend[label].append(call.score)
        if call.agent_id == agent_id:
            trend[label].append(call.score)
    return {
        "agent_id": agent_id,
        "calls": len(mine),
        "bucket": bucket,
        "average_score": _mean(c.score for c in mine),
        "team_average_score": _mean(c.score for c in calls),
        "trend": [
            {
                "date": day,
                "average_score": _mean(scores),
                "calls": len(scores),
                "team_average_score": _mean(team_trend[day]),
            }
            for day, scores in sorted(trend.items())
        ],
        "flag_rates_per_call": dict(sorted(per_type.items())),
        "worst_calls": [
            {"id": c.id, "score": c.score, "created_at": c.created_at.isoformat()}
            for c in sorted(mine, key=lambda c: c.score)[:5]
        ],
    }


def agents_overview(session: Session, tenant_id: str) -> list[dict[str, Any]]:
    """Every agent with analysed calls: call count and average score, worst first."""
    return [
        {
            "agent_id": agent,
            "calls": count,
            "average_score": round(float(average), 1),
            "unreviewed_flags": int(unreviewed or 0),
        }
        for agent, count, average, unreviewed in repository.agents_overview(session, tenant_id)
    ]


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 1)
