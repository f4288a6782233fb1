"""The supervisor's API: queue, verdicts with an audit trail, rule precision, scorecards,
per-tenant scoring rules with a re-score that needs no re-transcription."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.reviews.service import rescore_tenant
from tests.service.conftest import store_done_call


def test_review_queue_verdicts_and_rule_stats(api, other_tenant, stereo_analysis):
    call_id = store_done_call(api, stereo_analysis)
    queue = api.client.get("/api/v1/flags", headers=api.headers("supervisor"),
                           params={"verdict": "unreviewed"}).json()
    flags = queue["items"]
    assert flags and sum(queue["unreviewed_by_type"].values()) == len(flags)
    first, second = flags[0], flags[1]
    confirm = api.client.post(f"/api/v1/flags/{first['id']}/review",
                              headers=api.headers("supervisor"),
                              json={"verdict": "confirmed", "note": "yes, scripted"})
    assert confirm.status_code == 200 and confirm.json()["verdict"] == "confirmed"
    api.client.post(f"/api/v1/flags/{second['id']}/review", headers=api.headers("supervisor"),
                    json={"verdict": "dismissed"})
    # changing one's mind appends to the audit trail; the latest verdict counts
    api.client.post(f"/api/v1/flags/{second['id']}/review", headers=api.headers("supervisor"),
                    json={"verdict": "confirmed", "note": "on second listen"})
    trail = api.client.get(f"/api/v1/flags/{second['id']}/reviews",
                           headers=api.headers("qa")).json()
    assert [r["verdict"] for r in trail] == ["dismissed", "confirmed"]
    assert trail[1]["reviewer"] == "supervisor of acme"
    stats = {row["rule"]: row for row in api.client.get(
        "/api/v1/rules/stats", headers=api.headers("supervisor")).json()}
    assert stats[first["rule"]]["confirmed"] >= 1 and stats[first["rule"]]["precision"] == 1.0
    assert stats[second["rule"]]["dismissed"] == 0
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json()
    # left to review: the flags that cost points, other than the two just judged
    assert call["unreviewed_flags"] == len(
        [f for f in call["flags"] if f["points"] < 0 and f["verdict"] is None])
    assert call["unreviewed_flags"] < len(flags) - 2  # the customer's raised voice costs nothing
    # roles and tenants
    assert api.client.post(f"/api/v1/flags/{first['id']}/review", headers=api.headers("qa"),
                           json={"verdict": "confirmed"}).status_code == 403
    assert api.client.post(f"/api/v1/flags/{first['id']}/review",
                           headers=other_tenant.headers("supervisor"),
                           json={"verdict": "confirmed"}).status_code == 404
    assert api.client.post(f"/api/v1/flags/{first['id']}/review",
                           headers=api.headers("supervisor"),
                           json={"verdict": "maybe"}).status_code == 422
    assert other_tenant.client.get("/api/v1/flags", headers=other_tenant.headers()
                                   ).json()["items"] == []


def test_queue_is_worst_calls_first_and_filterable(api, stereo_analysis):
    from service.db.models import Call
    from service.db.session import unit_of_work

    better = store_done_call(api, stereo_analysis, agent_id="good")
    worse = store_done_call(api, stereo_analysis, agent_id="bad")
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        session.get(Call, worse).score = 10.0
    items = api.client.get("/api/v1/flags", headers=api.headers("supervisor")).json()["items"]
    assert items[0]["call_id"] == worse and items[-1]["call_id"] == better
    only = api.client.get("/api/v1/flags", headers=api.headers("supervisor"),
                          params={"type": "system_blame", "agent_id": "good"}).json()["items"]
    assert {(f["type"], f["call_id"]) for f in only} == {("system_blame", better)}


def test_agent_scorecard(api, stereo_analysis):
    day = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for offset, agent in ((0, "a"), (0, "b"), (1, "a"), (2, "a")):
        store_done_call(api, stereo_analysis, agent_id=agent,
                        created_at=day + timedelta(days=offset))
    card = api.client.get("/api/v1/agents/a/scorecard", headers=api.headers("supervisor"),
                          params={"from": day.isoformat()}).json()
    assert card["calls"] == 3 and card["team_calls"] == 1 and len(card["trend"]) == 3
    assert card["flag_rates_per_call"]["scripted_empathy"] == {
        "agent": 1.0, "team": 1.0, "polarity": "negative"}
    first_day = card["trend"][0]
    assert first_day["calls"] == 1 and first_day["team_average_score"] == first_day[
        "average_score"]  # a's and b's calls that day are the same analysis
    assert card["trend"][1]["team_average_score"] is None  # b had no call that day
    assert len(card["worst_calls"]) == 3 and card["worst_calls"][0]["name"]
    # the customer's flags are context, not the agent's: counted apart
    flags = api.client.get(f"/api/v1/calls/{card['worst_calls'][0]['id']}",
                           headers=api.headers()).json()["flags"]
    customer_types = {f["type"] for f in flags if f["speaker"] == "customer"}
    assert customer_types and customer_types <= set(card["customer_context_per_call"])
    assert not customer_types & set(card["flag_rates_per_call"])
    # a dismissed flag gives its points back and no longer counts against the agent
    blame = next(f for f in flags if f["type"] == "system_blame")
    api.client.post(f"/api/v1/flags/{blame['id']}/review", headers=api.headers("supervisor"),
                    json={"verdict": "dismissed"})
    after = api.client.get("/api/v1/agents/a/scorecard", headers=api.headers("supervisor"),
                           params={"from": day.isoformat()}).json()
    assert after["average_score"] == pytest.approx(
        card["average_score"] - blame["points"] / 3, abs=0.05)
    assert after["flag_rates_per_call"]["system_blame"]["agent"] == pytest.approx(2 / 3, abs=1e-3)
    assert after["team_average_score"] == card["team_average_score"]  # b's call untouched
    weekly = api.client.get("/api/v1/agents/a/scorecard", headers=api.headers("supervisor"),
                            params={"bucket": "week"}).json()
    # 1 March 2026 is a Sunday: its week began 23 February; the 2nd and 3rd share a week
    assert [(p["date"], p["calls"]) for p in weekly["trend"]] == [
        ("2026-02-23", 1), ("2026-03-02", 2)]
    narrowed = api.client.get("/api/v1/agents/a/scorecard", headers=api.headers("supervisor"),
                              params={"from": (day + timedelta(days=2)).isoformat()}).json()
    assert narrowed["calls"] == 1
    assert api.client.get("/api/v1/agents/nobody/scorecard",
                          headers=api.headers()).status_code == 404


def test_scoring_config_edit_and_rescore_without_transcription(api, stereo_analysis):
    call_id = store_done_call(api, stereo_analysis)
    before = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json()
    empathy = next(f for f in before["flags"] if f["type"] == "scripted_empathy")
    api.client.post(f"/api/v1/flags/{empathy['id']}/review", headers=api.headers("supervisor"),
                    json={"verdict": "confirmed"})
    rules = api.client.get("/api/v1/config/scoring", headers=api.headers("supervisor")).text
    assert "[flags.system_blame]" in rules
    broken = api.client.put("/api/v1/config/scoring", headers={
        **api.headers("supervisor"), "content-type": "application/toml"},
        content="this is = = not toml")
    assert broken.status_code == 422 and "TOML" in broken.json()["error"]["message"]
    assert api.client.put("/api/v1/config/scoring", headers={
        **api.headers("qa"), "content-type": "application/toml"}, content=rules
    ).status_code == 403
    # a supervisor switches system_blame off
    edited = rules.replace('version = "', 'version = "tenant-', 1)
    edited = _disable(edited, "system_blame")
    response = api.client.put("/api/v1/config/scoring", params={"rescore": "false"}, headers={
        **api.headers("supervisor"), "content-type": "application/toml"}, content=edited)
    assert response.status_code == 200, response.text
    assert rescore_tenant(api.settings, api.tenant_id) == 1  # the job the API would queue
    after = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json()
    assert "system_blame" not in {f["type"] for f in after["flags"]}
    assert after["rules_version"].startswith("tenant-")
    assert after["segments"] == before["segments"]  # the transcript was not redone
    kept = next(f for f in after["flags"] if f["type"] == "scripted_empathy")
    assert kept["verdict"] == "confirmed"  # the verdict survived the re-score


def _disable(toml_text: str, flag: str) -> str:
    """Raise one flag's threshold above any probability in the rules TOML."""
    import re
    import tomllib

    assert flag in tomllib.loads(toml_text)["flags"]
    section = re.search(rf"(?ms)^\[flags\.{flag}\]\n(.*?)(?=^\[)", toml_text)
    body = re.sub(r"(?m)^threshold = .*$", "threshold = 1.01", section.group(1))
    return toml_text[: section.start(1)] + body + toml_text[section.end(1):]


def test_review_queue_filters_pages_and_counts(api, stereo_analysis):
    from service.db.models import Call
    from service.db.session import unit_of_work

    ids = [store_done_call(api, stereo_analysis, agent_id=agent) for agent in ("a", "a", "b")]
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        for call_id, score in zip(ids, (40.0, 90.0, 60.0), strict=True):
            session.get(Call, call_id).score = score
    def queue(**params):
        return api.client.get("/api/v1/review-queue", headers=api.headers("supervisor"),
                              params=params).json()

    everything = queue()
    assert [c["id"] for c in everything["items"]] == [ids[0], ids[2], ids[1]]  # worst first
    assert everything["unreviewed_by_type"]["system_blame"] == 3
    assert [c["id"] for c in queue(agent_id="a")["items"]] == [ids[0], ids[1]]
    assert [c["id"] for c in queue(score_min=50, score_max=95)["items"]] == [ids[2], ids[1]]
    second = queue(per_page=2, page=2)
    assert [c["id"] for c in second["items"]] == [ids[1]] and second["pages"] == 2
    # judging every system_blame flag of one call takes it out of that type's filter
    flags = api.client.get("/api/v1/flags", headers=api.headers("supervisor"),
                           params={"type": "system_blame"}).json()["items"]
    for flag in (f for f in flags if f["call_id"] == ids[0]):
        api.client.post(f"/api/v1/flags/{flag['id']}/review", headers=api.headers("supervisor"),
                        json={"verdict": "confirmed"})
    narrowed = queue(flag_type="system_blame")
    assert [c["id"] for c in narrowed["items"]] == [ids[2], ids[1]]
    assert narrowed["unreviewed_by_type"]["system_blame"] == 2  # facets ignore the type filter
    assert api.client.get("/api/v1/review-queue", headers=api.headers("qa")).status_code == 403
    # once every flag that cost points is judged, the call leaves the queue, though flags that
    # cost nothing (the customer's raised voice, good practice) are still unjudged
    call = api.client.get(f"/api/v1/calls/{ids[0]}", headers=api.headers()).json()
    costly = [f for f in call["flags"] if f["points"] < 0]
    free = [f for f in call["flags"] if f["points"] >= 0 and f["verdict"] is None]
    assert costly and free, "the example call has both kinds"
    for flag in costly:
        api.client.post(f"/api/v1/flags/{flag['id']}/review", headers=api.headers("supervisor"),
                        json={"verdict": "dismissed"})
    assert ids[0] not in [c["id"] for c in queue()["items"]]
    assert api.client.get(f"/api/v1/calls/{ids[0]}", headers=api.headers()).json()[
        "unreviewed_flags"] == 0
    assert not set(queue()["unreviewed_by_type"]) & {f["type"] for f in free}


def test_learning_from_verdicts_is_versioned_and_reversible(api, stereo_analysis):
    calls = [store_done_call(api, stereo_analysis) for _ in range(3)]
    supervisor = api.headers("supervisor")
    blamed = []
    for call_id in calls:
        detail = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json()
        blamed += [f for f in detail["flags"] if f["type"] == "system_blame"]
    assert len(blamed) == 3  # the same sentence in each call
    for flag in blamed:
        api.client.post(f"/api/v1/flags/{flag['id']}/review", headers=supervisor,
                        json={"verdict": "dismissed", "note": "we say this to inform"})
    assert api.client.post("/api/v1/config/scoring/learn",
                           headers=api.headers("qa")).status_code == 403
    learned = api.client.post("/api/v1/config/scoring/learn", headers=supervisor).json()
    assert learned["verdicts"] == 3 and learned["number"] == 2 and learned["rescore_queued"]
    assert [(c["flag_type"], c["setting"]) for c in learned["changes"]] == [
        ("system_blame", "unlike")]
    assert "unlike = [" in api.client.get("/api/v1/config/scoring", headers=supervisor).text
    rescore_tenant(api.settings, api.tenant_id)  # the job the API queued
    after = api.client.get(f"/api/v1/calls/{calls[0]}", headers=api.headers()).json()
    assert "system_blame" not in {f["type"] for f in after["flags"]}
    versions = api.client.get("/api/v1/config/scoring/versions", headers=supervisor).json()
    assert [(v["number"], v["source"], v["current"]) for v in versions] == [
        (2, "learned", True), (1, "initial", False)]
    assert "system_blame unlike" in versions[0]["summary"]
    # nothing new to learn: no new version
    again = api.client.post("/api/v1/config/scoring/learn", headers=supervisor).json()
    assert again["number"] is None and not again["changes"]
    undone = api.client.post("/api/v1/config/scoring/versions/1/restore", headers=supervisor)
    assert undone.status_code == 200 and undone.json()["number"] == 3
    rescore_tenant(api.settings, api.tenant_id)
    restored = api.client.get(f"/api/v1/calls/{calls[0]}", headers=api.headers()).json()
    back = [f for f in restored["flags"] if f["type"] == "system_blame"]
    assert back and back[0]["verdict"] == "dismissed"  # its verdict came back with it
    assert api.client.post("/api/v1/config/scoring/versions/99/restore",
                           headers=supervisor).status_code == 404


def test_rules_preview_shows_the_change_and_saves_nothing(api, stereo_analysis):
    call_id = store_done_call(api, stereo_analysis)
    toml = {**api.headers("supervisor"), "content-type": "application/toml"}
    rules = api.client.get("/api/v1/config/scoring", headers=api.headers("supervisor")).text
    before = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json()
    found = api.client.post("/api/v1/config/scoring/preview", headers=toml,
                            content=_disable(rules, "system_blame"))
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["calls"] == 1 and body["flags_removed"] == {"system_blame": 1}
    assert body["flags_added"] == {}
    change = body["changed"][0]
    assert change["call_id"] == call_id and change["removed"] == ["system_blame"]
    assert change["score_after"] > change["score_before"] == before["score"]
    assert api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json() == before
    unchanged = api.client.post("/api/v1/config/scoring/preview", headers=toml, content=rules)
    assert unchanged.json()["changed"] == []  # the rules in use change nothing
    broken = api.client.post("/api/v1/config/scoring/preview", headers=toml,
                             content="this is = = not toml")
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "bad_scoring_config"
    assert api.client.post("/api/v1/config/scoring/preview", content=rules, headers={
        **api.headers("qa"), "content-type": "application/toml"}).status_code == 403


def test_rule_precision_says_how_sure_it_is():
    from service.reviews.service import wilson_interval

    assert wilson_interval(0, 0) == (None, None)
    low, high = wilson_interval(1, 1)
    assert 0.2 < low < 0.21 and high == 1.0  # one verdict says little
    low, high = wilson_interval(80, 100)
    assert 0.71 < low < 0.72 and 0.86 < high < 0.87


def test_reviewed_score_starts_again_from_the_flags_kept():
    """A call that lost 130 points scores 0; dismissing a 10-point flag leaves it at 0, not
    10. Calls stored before points were kept fall back to their stored score."""
    from types import SimpleNamespace

    from service.reviews.service import reviewed_score

    deep = SimpleNamespace(score=0.0, kept_points=-120.0, dismissed_points=-10.0,
                           unknown_points=0)
    assert reviewed_score(deep) == 0.0
    fine = SimpleNamespace(score=80.0, kept_points=-12.5, dismissed_points=-7.5,
                           unknown_points=0)
    assert reviewed_score(fine) == 87.5
    legacy = SimpleNamespace(score=80.0, kept_points=0.0, dismissed_points=-7.5,
                             unknown_points=3)
    assert reviewed_score(legacy) == 87.5
