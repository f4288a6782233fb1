"""Upload, read, list, export, erase: the calls API on SQLite and PostgreSQL, every bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.service.conftest import store_done_call, wav_bytes


def _upload(api, data: bytes, role="qa", name="call.wav", **fields):
    return api.client.post(
        "/api/v1/calls", headers=api.headers(role), files={"file": (name, data, "audio/wav")},
        data=fields,
    )


def test_upload_is_queued_with_its_metadata(api):
    response = _upload(api, wav_bytes(), external_id="ext-1", agent_id="a7",
                       agent_channel="right", language="en", tags="vip, billing")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and not body["duplicate"]
    call = api.client.get(body["status_url"], headers=api.headers("qa")).json()
    assert (call["external_id"], call["agent_id"], call["agent_channel"]) == ("ext-1", "a7", "right")
    assert call["tags"] == ["vip", "billing"] and call["status"] == "queued"
    assert call["original_filename"] == "call.wav" and "flags" not in call


def test_same_file_twice_is_the_same_call(api):
    first = _upload(api, wav_bytes()).json()
    again = _upload(api, wav_bytes(), name="renamed.wav")
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert again.json()["duplicate"] is True


def test_same_file_for_another_tenant_is_a_new_call(api, other_tenant):
    first = _upload(api, wav_bytes()).json()
    theirs = _upload(other_tenant, wav_bytes()).json()
    assert theirs["id"] != first["id"] and not theirs["duplicate"]


def test_audio_is_stored_under_a_generated_name(api):
    call_id = _upload(api, wav_bytes(), name="../../etc/passwd.wav").json()["id"]
    stored = [p for p in api.settings.audio_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1 and "passwd" not in stored[0].name
    assert not list((api.settings.data_dir / "incoming").iterdir())  # no temp left behind
    audio = api.client.get(f"/api/v1/calls/{call_id}/audio", headers=api.headers("qa"))
    assert audio.content == wav_bytes()


def test_audio_supports_range_requests(api):
    call_id = _upload(api, wav_bytes()).json()["id"]
    part = api.client.get(f"/api/v1/calls/{call_id}/audio",
                          headers={**api.headers("qa"), "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == wav_bytes()[100:200]
    assert part.headers["content-range"].startswith("bytes 100-199/")


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "empty_file"),
        (b"%PDF-1.4 this is a document, not a recording" * 20, 415, "not_audio"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt " + b"\x00" * 64, 422, "corrupt_audio"),
    ],
)
def test_bad_audio_is_refused_with_a_reason(api, data, status, code):
    response = _upload(api, data, name="Monday call 7.wav")
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and ".part" not in error["message"], error  # no temp path
    assert error["message"].startswith("Monday call 7.wav: "), error  # the caller's own name
    assert "tmp" not in error["message"] and "/" not in error["message"], error
    assert api.client.get("/api/v1/calls", headers=api.headers("qa")).json()["items"] == []


def test_oversize_upload_is_413_before_the_body_is_read(api):
    too_big = b"\x00" * (api.settings.max_upload_bytes + 2 * 1024 * 1024)
    response = _upload(api, too_big)
    assert response.status_code == 413 and "MB limit" in response.json()["error"]["message"]


def test_oversize_streamed_upload_without_length_stops_at_the_limit(api):
    boundary = "xyz"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\""
            f"\r\nContent-Type: audio/wav\r\n\r\n").encode()
    sent = {"bytes": 0}

    def body():  # chunked: no Content-Length, so only the streaming check can stop it
        yield head
        for _ in range(api.settings.max_upload_mb * 4 + 40):
            sent["bytes"] += 256 * 1024
            yield b"\x01" * (256 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = api.client.post(
        "/api/v1/calls", content=body(),
        headers={**api.headers("qa"), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert not [p for p in api.settings.data_dir.rglob("*") if p.is_file() and p.suffix in (
        ".part", ".wav")]


def test_upload_needs_multipart_and_a_file(api):
    wrong = api.client.post("/api/v1/calls", headers=api.headers("qa"), json={"file": "x"})
    assert wrong.status_code == 415
    no_file = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                              files={"other": ("a.wav", wav_bytes())})
    assert no_file.status_code == 422 and "'file'" in no_file.json()["error"]["message"]


def test_bad_metadata_is_422(api):
    response = _upload(api, wav_bytes(), agent_channel="middle")
    assert response.status_code == 422 and "agent_channel" in response.json()["error"]["message"]


def test_access_rules(api, other_tenant):
    call_id = _upload(api, wav_bytes()).json()["id"]
    path = f"/api/v1/calls/{call_id}"
    assert api.client.get(path).status_code == 401
    assert api.client.get(path, headers={"Authorization": "Bearer cqa_nope_nope"}).status_code == 401
    assert api.client.get(path, headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.client.get(path, headers=api.headers("platform")).status_code == 403
    assert _upload(api, wav_bytes(2.0), role="supervisor").status_code == 403
    assert api.client.get(path, headers=api.headers("supervisor")).status_code == 200
    # another tenant's call is as unknown as a missing one
    assert api.client.get(path, headers=other_tenant.headers()).status_code == 404
    assert api.client.delete(path, headers=other_tenant.headers()).status_code == 404
    assert api.client.get("/api/v1/calls/nope", headers=api.headers()).status_code == 404
    listed = api.client.get("/api/v1/calls", headers=other_tenant.headers()).json()
    assert listed["items"] == []


def test_list_filters_and_cursor_pagination(api, stereo_analysis):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [store_done_call(api, stereo_analysis, agent_id=f"agent-{i % 2}",
                           created_at=start + timedelta(hours=i)) for i in range(7)]
    seen, cursor = [], None
    while True:
        page = api.client.get("/api/v1/calls", headers=api.headers("qa"),
                              params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]  # newest first, each exactly once
    agent = api.client.get("/api/v1/calls", headers=api.headers("qa"),
                           params={"agent_id": "agent-1"}).json()["items"]
    assert {c["id"] for c in agent} == set(ids[1::2])
    window = api.client.get("/api/v1/calls", headers=api.headers("qa"), params={
        "from": (start + timedelta(hours=2)).isoformat(),
        "to": (start + timedelta(hours=4)).isoformat()}).json()["items"]
    assert {c["id"] for c in window} == set(ids[2:4])
    score = api.client.get(f"/api/v1/calls/{ids[0]}", headers=api.headers("qa")).json()["score"]
    for params, expected in (
        ({"score_min": score + 1}, 0), ({"score_max": score}, 7), ({"status": "done"}, 7),
        ({"status": "failed"}, 0), ({"flag_type": "scripted_empathy"}, 7),
        ({"flag_type": "customer_blame"}, 0), ({"has_unreviewed": True}, 7),
    ):
        items = api.client.get("/api/v1/calls", headers=api.headers("qa"), params=params).json()
        assert len(items["items"]) == expected, params
    bad = api.client.get("/api/v1/calls", headers=api.headers("qa"), params={"cursor": "!!"})
    assert bad.status_code == 422


def test_done_call_has_flags_score_and_exports(api, stereo_analysis):
    call_id = store_done_call(api, stereo_analysis)
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "done" and 0 <= call["score"] <= 100
    flag = call["flags"][0]
    assert {"id", "type", "speaker", "start", "end", "quote", "confidence", "rule",
            "explanation", "verdict"} <= set(flag)
    assert call["model_versions"]["models"] and call["score_breakdown"]
    # the score adds up: flags' points -> categories -> 100 - lost + gained
    lost, gained = call["points_lost"], call["points_gained"]
    assert call["score"] == pytest.approx(max(0.0, min(100.0, 100 - lost + gained)), abs=1e-6)
    assert sum(c["penalty"] for c in call["score_breakdown"]) == pytest.approx(lost, abs=1e-6)
    assert sum(f["points"] for f in call["flags"]) == pytest.approx(gained - lost, abs=1e-6)
    assert lost > 0
    for fmt, marker in (("srt", "-->"), ("vtt", "WEBVTT"), ("rttm", "SPEAKER")):
        text = api.client.get(f"/api/v1/calls/{call_id}/transcript", params={"format": fmt},
                              headers=api.headers("qa"))
        assert text.status_code == 200 and marker in text.text
    as_json = api.client.get(f"/api/v1/calls/{call_id}/transcript", headers=api.headers("qa"))
    assert as_json.json()["segments"][0]["words"]


def test_delete_erases_audio_and_everything_derived(api, stereo_analysis):
    from sqlalchemy import func, select

    from service.db.models import CallResult, FlagRow
    from service.db.session import unit_of_work

    uploaded = _upload(api, wav_bytes()).json()["id"]
    done = store_done_call(api, stereo_analysis)
    for call_id in (uploaded, done):
        assert api.client.delete(f"/api/v1/calls/{call_id}", headers=api.headers("qa")
                                 ).status_code == 204
        assert api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()
                              ).status_code == 404
    assert not [p for p in api.settings.audio_dir.rglob("*") if p.is_file()]
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        for table in (CallResult, FlagRow):
            assert session.scalar(select(func.count()).select_from(table)) == 0, table


def test_reanalyze_requeues(api, stereo_analysis):
    call_id = _upload(api, wav_bytes()).json()["id"]
    response = api.client.post(f"/api/v1/calls/{call_id}/reanalyze", headers=api.headers("qa"))
    assert response.status_code == 202 and response.json()["status"] == "queued"
    erased = store_done_call(api, stereo_analysis)  # no audio stored
    again = api.client.post(f"/api/v1/calls/{erased}/reanalyze", headers=api.headers("qa"))
    assert again.status_code == 409


def test_health_and_readiness(api):
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert set(ready.json()["checks"]) == {"database", "broker", "models"}


def test_admins_manage_keys_in_their_tenant(api, other_tenant):
    created = api.client.post("/api/v1/keys", headers=api.headers("admin"),
                              json={"role": "supervisor", "name": "night shift"})
    assert created.status_code == 201
    new_key = created.json()["key"]
    listed = api.client.get("/api/v1/keys", headers=api.headers("admin")).json()
    entry = next(k for k in listed if k["name"] == "night shift")
    assert "key" not in entry and new_key.split("_")[1] == entry["prefix"]  # never shown again
    as_new = {"Authorization": f"Bearer {new_key}"}
    assert api.client.get("/api/v1/flags", headers=as_new).status_code == 200
    assert api.client.post("/api/v1/keys", headers=as_new, json={"role": "admin"}
                           ).status_code == 403
    assert api.client.delete(f"/api/v1/keys/{entry['id']}", headers=other_tenant.headers()
                             ).status_code == 404
    assert api.client.delete(f"/api/v1/keys/{entry['id']}", headers=api.headers()
                             ).status_code == 204
    assert api.client.get("/api/v1/flags", headers=as_new).status_code == 401  # revoked
    assert api.client.post("/api/v1/keys", headers=api.headers(), json={"role": "owner"}
                           ).status_code == 422


def test_a_cut_off_or_doubled_upload_is_refused(api):
    boundary = "cqa"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n").encode() + wav_bytes()
    headers = api.headers("qa") | {"content-type": f"multipart/form-data; boundary={boundary}"}
    cut = api.client.post("/api/v1/calls", content=part, headers=headers)
    assert cut.status_code == 400 and cut.json()["error"]["code"] == "truncated_upload"
    doubled = part + b"\r\n" + part + f"\r\n--{boundary}--\r\n".encode()
    twice = api.client.post("/api/v1/calls", content=doubled, headers=headers)
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "several_files"
    assert api.client.get("/api/v1/calls", headers=api.headers()).json()["items"] == []
    assert list((api.settings.data_dir / "incoming").glob("*")) == []


def test_another_tenants_flag_is_unknown_on_every_flag_route(api, other_tenant, stereo_analysis):
    call_id = store_done_call(api, stereo_analysis)
    flag = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers()).json()["flags"][0]
    for method, url, body in (
        ("get", f"/api/v1/flags/{flag['id']}/reviews", None),
        ("post", f"/api/v1/flags/{flag['id']}/review", {"verdict": "dismissed"}),
    ):
        response = api.client.request(method, url, headers=other_tenant.headers(), json=body)
        assert response.status_code == 404, (url, response.text)



def test_calls_can_be_searched_by_id_or_file_name(api, stereo_analysis):
    """Any part of the external id or of the file name, any case; % and _ are plain
    characters, not wildcards."""
    from service.db.models import Call
    from service.db.session import unit_of_work

    ids = [store_done_call(api, stereo_analysis) for _ in range(3)]
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        for call_id, external, filename in zip(
                ids, ("CRM-100_a", "crm-2%x", None), (None, None, "Été Monday Escalation.wav"),
                strict=True):
            call = session.get(Call, call_id)
            call.external_id, call.original_filename = external, filename

    def found(q: str) -> list[str]:
        page = api.client.get("/api/v1/calls", headers=api.headers("qa"), params={"q": q})
        assert page.status_code == 200, page.text
        return sorted(item["id"] for item in page.json()["items"])

    assert found("crm-1") == [ids[0]]
    assert found("CRM") == sorted(ids[:2])
    assert found("%") == [ids[1]] and found("_") == [ids[0]]
    assert found("escalation") == [ids[2]]
    assert found("monday  escalation") == found("escalation monday") == [ids[2]]  # every word
    assert found("Été") == [ids[2]]  # non-ASCII as typed (SQLite folds only ASCII case)
    assert found("nothing like it") == []
