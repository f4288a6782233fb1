"""What an edit of a tenant's scoring rules would change, before it is saved: the tenant's
latest analysed calls scored again with the edited rules (in memory; nothing is stored) and
compared with the flags and scores they have now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from audio.schema import CallAnalysis
from audio.serialize import from_plain
from scoring.call import score_analysis
from scoring.config import ScoringConfig
from service.calls import repository as calls_repository
from service.calls.results import first_roles, stored_acts
from service.calls.service import call_name
from service.rules import repository

PREVIEW_CALLS = 50


@dataclass(frozen=True)
class CallChange:
    call_id: str
    name: str
    score_before: float
    score_after: float
    added: tuple[str, ...]  # flag types raised by the edited rules only, one per flag
    removed: tuple[str, ...]  # flag types the edited rules no longer raise
    confirmed_removed: int  # of those, flags a reviewer had confirmed


@dataclass(frozen=True)
class Preview:
    calls: int  # calls scored again
    changed: tuple[CallChange, ...]  # those whose flags or score would change
    flags_added: tuple[tuple[str, int], ...]  # per type, most first
    flags_removed: tuple[tuple[str, int], ...]
    mean_score_before: float | None
    mean_score_after: float | None
    confirmed_removed: int  # flags reviewers confirmed that the edit would no longer raise


def _moments(types_and_starts) -> Counter:
    """Flags as (type, start to 0.1 s): the same flag before and after an edit."""
    return Counter((kind, round(start, 1)) for kind, start in types_and_starts)


def preview(session: Session, tenant_id: str, rules: ScoringConfig,
            limit: int = PREVIEW_CALLS) -> Preview:
    """The ``limit`` newest analysed calls of the tenant scored with ``rules``."""
    changed, added_all, removed_all, confirmed_removed = [], Counter(), Counter(), 0
    before_scores, after_scores = [], []
    for call in repository.latest_scored_calls(session, tenant_id, limit):
        stored = calls_repository.result(session, call.id)
        if stored is None:
            continue
        analysis = from_plain(CallAnalysis, stored.analysis)
        _, scored = score_analysis(analysis, rules, override_agent=stored.agent_speaker,
                                   stored_acts=stored_acts(stored), decided=first_roles(stored))
        rows = calls_repository.flags_of(session, call.id)
        now = _moments((f.type, f.start) for f in rows)
        confirmed = _moments((f.type, f.start) for f in rows if f.verdict == "confirmed")
        then = _moments((f.type, f.start) for f in scored.flags)
        added, removed = then - now, now - then
        lost_confirmed = sum((removed & confirmed).values())
        confirmed_removed += lost_confirmed
        before_scores.append(call.score)
        after_scores.append(scored.score.value)
        added_all.update(kind for kind, _ in added.elements())
        removed_all.update(kind for kind, _ in removed.elements())
        if added or removed or abs(scored.score.value - call.score) >= 0.05:
            changed.append(CallChange(
                call.id, call_name(call.external_id, call.original_filename, call.id),
                call.score, scored.score.value,
                tuple(sorted(kind for kind, _ in added.elements())),
                tuple(sorted(kind for kind, _ in removed.elements())), lost_confirmed))
    changed.sort(key=lambda c: -abs(c.score_after - c.score_before))

    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    return Preview(len(before_scores), tuple(changed), tuple(added_all.most_common()),
                   tuple(removed_all.most_common()), mean(before_scores), mean(after_scores),
                   confirmed_removed)
