"""Platform webhooks, signed by the reference implementations (standardwebhooks, twilio),
with recordings fetched from a real local HTTP server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook
from twilio.request_validator import RequestValidator

from service.webhooks import fetch
from tests.service.conftest import wav_bytes

AUDIO = wav_bytes(1.5)


class _Recordings(BaseHTTPRequestHandler):
    """/call.wav: audio; /redirect?to=URL: 302; /huge.wav: endless bytes; /twilio/RE1.wav."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
        elif self.path == "/huge.wav":
            self.send_response(200)
            self.end_headers()
            for _ in range(400):
                self.wfile.write(b"\x00" * 65536)
        elif self.path.split("?")[0].endswith(".wav"):
            self.server.requests.append((self.path, self.headers.get("Authorization")))
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(AUDIO)))
            self.end_headers()
            self.wfile.write(AUDIO)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def recordings_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recordings)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    server.shutdown()


@pytest.fixture
def settings(settings):
    """Webhook tests fetch from 127.0.0.1, which production refuses (tested below)."""
    return settings.model_copy(update={"fetch_allow_private": True})


def _signed(secret: str, body: bytes, msg_id: str | None = None, at: datetime | None = None):
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, at, body.decode())
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature, "content-type": "application/json"}


def _post(api, body: dict, headers=None, secret=None, **kw):
    raw = json.dumps(body).encode()
    headers = headers or _signed(secret or api.secret.split()[0], raw, **kw)
    return api.client.post(f"/api/v1/webhooks/recordings?tenant={api.tenant_id}",
                           content=raw, headers=headers)


def test_signed_json_webhook_fetches_and_queues(api, recordings_server):
    base, _ = recordings_server
    response = _post(api, {"audio_url": f"{base}/call.wav", "external_id": "c-1",
                           "agent_id": "a-9", "agent_channel": "right", "tags": ["x"],
                           "metadata": {"queue": "billing"}})
    assert response.status_code == 202, response.text
    call = api.client.get(response.json()["status_url"], headers=api.headers()).json()
    assert call["source"] == "webhook" and call["agent_channel"] == "right"
    assert (call["external_id"], call["agent_id"], call["status"]) == ("c-1", "a-9", "queued")


def test_replayed_delivery_gets_the_first_answer(api, recordings_server):
    base, _ = recordings_server
    raw = json.dumps({"audio_url": f"{base}/call.wav"}).encode()
    headers = _signed(api.secret, raw)
    url = f"/api/v1/webhooks/recordings?tenant={api.tenant_id}"
    first = api.client.post(url, content=raw, headers=headers)
    again = api.client.post(url, content=raw, headers=headers)
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    calls = api.client.get("/api/v1/calls", headers=api.headers()).json()["items"]
    assert len(calls) == 1


def _signed_multipart(secret: str, metadata: str, audio: bytes, msg_id: str | None = None):
    """(body, headers) of a signed multipart delivery with a ``metadata`` field and a file."""
    boundary = "b0undary"
    raw = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{metadata}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.wav\"\r\n"
        f"Content-Type: audio/wav\r\n\r\n"
    ).encode() + audio + f"\r\n--{boundary}--\r\n".encode()
    # standardwebhooks signs text only; a binary body is signed by the spec's formula directly
    msg_id, timestamp = msg_id or f"msg_{uuid.uuid4().hex}", int(datetime.now(UTC).timestamp())
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + raw, hashlib.sha256).digest()
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": "v1," + base64.b64encode(mac).decode(),
               "content-type": f"multipart/form-data; boundary={boundary}"}
    return raw, headers


def test_multipart_webhook_with_the_audio_inside(api):
    metadata = json.dumps({"external_id": "mp-1", "agent_id": "a-2"})
    raw, headers = _signed_multipart(api.secret, metadata, AUDIO, "msg_multipart")
    response = api.client.post(f"/api/v1/webhooks/recordings?tenant={api.tenant_id}",
                               content=raw, headers=headers)
    assert response.status_code == 202, response.text
    call = api.client.get(response.json()["status_url"], headers=api.headers()).json()
    assert call["external_id"] == "mp-1"


@pytest.mark.parametrize("problem", ["bad", "missing", "expired", "future", "other_secret"])
def test_bad_signatures_are_401_and_store_nothing(api, recordings_server, problem):
    base, _ = recordings_server
    body = {"audio_url": f"{base}/call.wav"}
    raw = json.dumps(body).encode()
    headers = _signed(api.secret, raw)
    if problem == "bad":
        headers["webhook-signature"] = "v1,bm90IHRoZSByaWdodCBzaWduYXR1cmU="
    elif problem == "missing":
        del headers["webhook-signature"]
    elif problem == "expired":
        headers = _signed(api.secret, raw, at=datetime.now(UTC) - timedelta(minutes=6))
    elif problem == "future":
        headers = _signed(api.secret, raw, at=datetime.now(UTC) + timedelta(minutes=6))
    else:
        headers = _signed("whsec_" + base64.b64encode(b"another tenant's secret!!").decode(), raw)
    response = api.client.post(f"/api/v1/webhooks/recordings?tenant={api.tenant_id}",
                               content=raw, headers=headers)
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_signature"
    assert api.client.get("/api/v1/calls", headers=api.headers()).json()["items"] == []


def test_unknown_tenant_is_401(api):
    response = api.client.post("/api/v1/webhooks/recordings?tenant=nope", content=b"{}",
                               headers=_signed(api.secret, b"{}"))
    assert response.status_code == 401


def test_secret_rotation_accepts_old_and_new(api, recordings_server):
    from service.auth import service as admin
    from service.db.models import Tenant
    from service.db.session import unit_of_work

    base, _ = recordings_server
    old = api.secret
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        new = admin.rotate_webhook_secret(session.get(Tenant, api.tenant_id))
    assert _post(api, {"audio_url": f"{base}/call.wav", "external_id": "old"},
                 secret=old).status_code == 202
    raw = json.dumps({"audio_url": f"{base}/call.wav?2", "external_id": "new"}).encode()
    headers = _signed(new, raw)
    # a sender mid-rotation sends both signatures; any match is enough
    headers["webhook-signature"] = "v1,Zm9v " + headers["webhook-signature"]
    response = api.client.post(f"/api/v1/webhooks/recordings?tenant={api.tenant_id}",
                               content=raw, headers=headers)
    assert response.status_code == 202, response.text
    assert response.json()["duplicate"] is True  # same audio as the first: the same call


def test_bad_body_is_422(api):
    assert _post(api, {"audio_url": "not a url"}).status_code == 422
    assert _post(api, {"external_id": "no audio"}).status_code == 422
    assert _post(api, {"audio_url": "ftp://example.com/a.wav"}).status_code == 422


def test_oversize_download_is_refused(api, recordings_server):
    base, _ = recordings_server
    response = _post(api, {"audio_url": f"{base}/huge.wav"})  # 25 MB against a 5 MB limit
    assert response.status_code == 422 and "limit" in response.json()["error"]["message"]


# --- SSRF: production settings (no private addresses) ---------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/a.wav", "http://localhost/a.wav", "http://169.254.169.254/latest/",
    "http://10.0.0.5/a.wav", "http://192.168.1.1/a.wav", "http://[::1]/a.wav",
    "http://[::ffff:127.0.0.1]/a.wav", "http://0.0.0.0/a.wav", "http://100.64.0.1/a.wav",
])
def test_private_and_metadata_addresses_are_refused(url, tmp_path):
    policy = fetch.FetchPolicy(max_bytes=1 << 20, timeout_s=5)
    with pytest.raises(fetch.FetchError, match="non-public|cannot resolve"):
        fetch.fetch(url, tmp_path / "x", policy)


def test_redirects_are_checked_on_every_hop(recordings_server, tmp_path):
    base, _ = recordings_server
    # allowed to reach the first host, but the redirect leaves the allow-list
    policy = fetch.FetchPolicy(max_bytes=1 << 20, timeout_s=5, allowlist=("127.0.0.1",),
                               allow_private=True)
    fetched = fetch.fetch(f"{base}/call.wav", tmp_path / "ok", policy)
    assert fetched.size == len(AUDIO)
    with pytest.raises(fetch.FetchError, match="allow-list"):
        fetch.fetch(f"{base}/redirect?to=http://localhost:1/a.wav", tmp_path / "x", policy)
    followed = fetch.fetch(f"{base}/redirect?to={base}/call.wav", tmp_path / "y", policy)
    assert followed.size == len(AUDIO)


def test_webhook_to_a_private_address_is_refused_in_production(api, recordings_server):
    base, _ = recordings_server
    api.client.app.state.settings = api.settings.model_copy(update={"fetch_allow_private": False})
    response = _post(api, {"audio_url": f"{base}/call.wav"})
    assert response.status_code == 422 and "non-public" in response.json()["error"]["message"]


# --- Twilio ------------------------------------------------------------------------------

def _twilio(api, params: dict, token: str | None = None, query: str = ""):
    path = f"/api/v1/webhooks/twilio?tenant={api.tenant_id}{query}"
    public = api.settings.public_url + path
    signature = RequestValidator(token or "twilio-token-acme").compute_signature(public, params)
    return api.client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def _recording(base: str, sid: str = "RE123", **extra) -> dict:
    return {"AccountSid": "AC1", "CallSid": "CA9", "RecordingSid": sid,
            "RecordingUrl": f"{base}/twilio/{sid}", "RecordingStatus": "completed",
            "RecordingChannels": "2", "RecordingDuration": "2", **extra}


def test_twilio_dual_channel_recording(api, recordings_server):
    base, server = recordings_server
    response = _twilio(api, _recording(base), query="&agent_channel=right")
    assert response.status_code == 202, response.text
    call = api.client.get(f"/api/v1/calls/{response.json()['id']}", headers=api.headers()).json()
    assert call["source"] == "twilio" and call["agent_channel"] == "right"
    assert call["external_id"] == "CA9"
    path, auth = server.requests[-1]
    assert path == "/twilio/RE123.wav" and auth.startswith("Basic ")  # account sid + token
    again = _twilio(api, _recording(base), query="&agent_channel=right")
    assert again.status_code == 200 and again.json()["replayed"] is True


def test_twilio_bad_signature_and_other_statuses(api, recordings_server):
    base, _ = recordings_server
    assert _twilio(api, _recording(base), token="wrong").status_code == 401
    unsigned = api.client.post(f"/api/v1/webhooks/twilio?tenant={api.tenant_id}",
                               data=_recording(base))
    assert unsigned.status_code == 401
    in_progress = _twilio(api, _recording(base, sid="RE2", RecordingStatus="in-progress"))
    assert in_progress.status_code == 200 and in_progress.json()["ignored"] is True
    assert api.client.get("/api/v1/calls", headers=api.headers()).json()["items"] == []


# --- outgoing: the tenant's callback -----------------------------------------------------

class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_finished_call_is_announced_with_a_signed_callback(api, stereo_analysis):
    from service.db.models import CallbackAttempt
    from service.db.session import unit_of_work
    from service.webhooks import callbacks
    from tests.service.conftest import store_done_call

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    response = api.client.put("/api/v1/config/tenant", headers=api.headers("supervisor"),
                              json={"callback_url": url})
    assert response.status_code == 200
    call_id = store_done_call(api, stereo_analysis, agent_id="a-3")
    callbacks.deliver(api.settings, call_id)  # what the worker sends after the analysis
    server.shutdown()
    headers, body = server.received[0]
    payload = Webhook(api.secret).verify(body.decode(), {k.lower(): v for k, v in headers.items()})
    assert payload["type"] == "call.analyzed" and payload["data"]["call_id"] == call_id
    assert payload["data"]["agent_id"] == "a-3" and payload["data"]["score"] is not None
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        attempt = session.query(CallbackAttempt).one()
        assert attempt.delivered and attempt.status_code == 204


def test_twilio_signature_covers_repeated_form_keys(api, recordings_server):
    """Twilio signs every value of a repeated key; RequestValidator does the same over a
    MultiDict-like form, and so must we."""
    from werkzeug.datastructures import MultiDict

    base, _ = recordings_server
    pairs = [*_recording(base, sid="RE77").items(), ("Tag", "b"), ("Tag", "a")]
    path = f"/api/v1/webhooks/twilio?tenant={api.tenant_id}"
    signature = RequestValidator("twilio-token-acme").compute_signature(
        api.settings.public_url + path, MultiDict(pairs)
    )
    response = api.client.post(path, content="&".join(f"{k}={v}" for k, v in pairs),
                               headers={"X-Twilio-Signature": signature,
                                        "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 202, response.text


def test_multipart_metadata_must_be_an_object(api):
    for metadata in ("[1]", "null", '"x"', "not json"):
        body, headers = _signed_multipart(api.secret, metadata, AUDIO)
        response = api.client.post(f"/api/v1/webhooks/recordings?tenant={api.tenant_id}",
                                   content=body, headers=headers)
        assert response.status_code == 422, (metadata, response.text)
        assert response.json()["error"]["code"] == "bad_metadata"
