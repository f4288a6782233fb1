"""Supervisor review: verdicts, per-rule precision, agent scorecards, re-scoring."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.calls.results import rescore, tenant_rules
from service.db.models import Call, FlagRow, Review, Tenant
from service.db.session import session_scope
from service.settings import Settings

log = logging.getLogger("callqa.review")


def rescore_tenant(settings: Settings, tenant_id: str) -> int:
    """Re-score every analysed call of the tenant with its current rules; returns the count."""
    with session_scope(settings.sqlalchemy_url) as session:
        tenant = session.get(Tenant, tenant_id)
        rules = tenant_rules(tenant.scoring_config)
        call_ids = list(
            session.scalars(
                select(Call.id).where(Call.tenant_id == tenant_id, Call.status == "done")
            )
        )
    for call_id in call_ids:
        with session_scope(settings.sqlalchemy_url) as session:
            call = session.get(Call, call_id)
            if call is not None and call.status == "done":
                rescore(session, call, rules)
    log.info("re-scored %d calls for tenant %s", len(call_ids), tenant_id)
    return len(call_ids)


def record_verdict(
    session: Session,
    tenant_id: str,
    reviewer_key_id: str,
    reviewer_name: str,
    flag_id: str,
    verdict: str,
    note: str,
) -> FlagRow:
    """Set a flag's verdict and append it to the audit trail; LookupError for an unknown
    flag or another tenant's (the same answer, so ids cannot be probed)."""
    flag = session.get(FlagRow, flag_id)
    if flag is None or flag.tenant_id != tenant_id:
        raise LookupError(f"no flag {flag_id!r}")
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
    refresh_unreviewed(session, flag.call_id)
    session.commit()
    return flag


def latest_reviews(session: Session, call_id: str) -> dict[tuple[str, float], Review]:
    """The newest verdict per flag of a call, keyed by (rule, start rounded to 0.1 s) so it
    still finds a flag whose row a re-score replaced."""
    rows = session.scalars(select(Review).where(Review.call_id == call_id).order_by(Review.id))
    return {(r.rule, round(r.flag_start, 1)): r for r in rows}


def refresh_unreviewed(session, call_id: str) -> None:
    count = session.scalar(
        select(func.count())
        .select_from(FlagRow)
        .where(FlagRow.call_id == call_id, FlagRow.verdict.is_(None))
    )
    call = session.get(Call, call_id)
    call.unreviewed_flags = int(count or 0)


def rule_precision(session: Session, tenant_id: str) -> list[dict[str, Any]]:
    """Per rule: flags fired, latest verdicts, precision = confirmed / judged (None unjudged)."""
    fired = session.execute(
        select(FlagRow.rule, FlagRow.type, func.count())
        .where(FlagRow.tenant_id == tenant_id)
        .group_by(FlagRow.rule, FlagRow.type)
    ).all()
    # latest verdict per flag, from the audit trail (survives re-scoring)
    latest = (
        select(Review.rule, Review.verdict, Review.flag_id, Review.id)
        .where(Review.tenant_id == tenant_id)
        .subquery()
    )
    newest_ids = select(func.max(latest.c.id)).group_by(latest.c.flag_id)
    judged = session.execute(
        select(latest.c.rule, latest.c.verdict, func.count())
        .where(latest.c.id.in_(newest_ids))
        .group_by(latest.c.rule, latest.c.verdict)
    ).all()
    stats: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"fired": 0, "confirmed": 0, "dismissed": 0, "type": ""}
    )
    for rule, flag_type, count in fired:
        stats[rule]["fired"] += count
        stats[rule]["type"] = flag_type
    for rule, verdict, count in judged:
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
    rates per call against the team, worst calls.

    Raises LookupError when the agent has no analysed call in the range."""
    window = [Call.tenant_id == tenant_id, Call.status == "done"]
    if created_from:
        window.append(Call.created_at >= created_from)
    if created_to:
        window.append(Call.created_at < created_to)
    calls = session.execute(
        select(Call.id, Call.created_at, Call.score, Call.agent_id)
        .where(*window)
        .order_by(Call.created_at)
    ).all()
    mine = [c for c in calls if c.agent_id == agent_id]
    if not mine:
        raise LookupError(f"no analysed calls for agent {agent_id!r} in this range")
    flag_counts = session.execute(
        select(Call.agent_id, FlagRow.type, FlagRow.polarity, func.count())
        .join(Call, Call.id == FlagRow.call_id)
        .where(*window)
        .group_by(Call.agent_id, FlagRow.type, FlagRow.polarity)
    ).all()
    per_type: dict[str, dict[str, Any]] = defaultdict(lambda: {"agent": 0.0, "team": 0.0})
    for flag_agent, flag_type, polarity, count in flag_counts:
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
    rows = session.execute(
        select(Call.agent_id, func.count(), func.avg(Call.score), func.sum(Call.unreviewed_flags))
        .where(Call.tenant_id == tenant_id, Call.status == "done", Call.agent_id.is_not(None))
        .group_by(Call.agent_id)
        .order_by(func.avg(Call.score))
    ).all()
    return [
        {
            "agent_id": agent,
            "calls": count,
            "average_score": round(float(average), 1),
            "unreviewed_flags": int(unreviewed or 0),
        }
        for agent, count, average, unreviewed in rows
    ]


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 1)
