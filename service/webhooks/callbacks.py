"""Tell a tenant that a call is analysed: a Standard Webhooks-signed POST to its callback URL,
sent through the same address checks as downloads (a tenant cannot aim us at our own network)."""

from __future__ import annotations

import json

import httpx

from service.auth import repository as auth_repository
from service.calls import repository as calls_repository
from service.db.models import Call, CallbackAttempt
from service.db.session import unit_of_work
from service.settings import Settings
from service.webhooks import fetch, signing


def payload(call: Call) -> dict:
    return {
        "type": "call.analyzed" if call.status == "done" else "call.failed",
        "data": {
            "call_id": call.id,
            "external_id": call.external_id,
            "agent_id": call.agent_id,
            "status": call.status,
            "score": call.score,
            "failure_reason": call.failure_reason,
            "unreviewed_flags": call.unreviewed_flags,
        },
    }


def deliver(settings: Settings, call_id: str) -> None:
    with unit_of_work(settings.sqlalchemy_url) as session:
        call = calls_repository.call(session, call_id)
        if call is None:
            return
        tenant = auth_repository.tenant(session, call.tenant_id)
        if not tenant.callback_url:
            return
        url, secret, body = (
            tenant.callback_url,
            tenant.webhook_secret,
            json.dumps(payload(call)).encode(),
        )
    policy = fetch.policy_for(settings, max_bytes=0)
    status, error, refused = None, None, False
    try:
        fetch.resolve(url, policy)
    except fetch.FetchError as exc:
        error, refused = str(exc), True
    else:
        headers = signing.signed_headers(secret, f"msg_{call_id}", body)
        try:
            response = httpx.post(
                url,
                content=body,
                timeout=settings.callback_timeout_s,
                follow_redirects=False,
                headers={**headers, "content-type": "application/json"},
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = str(exc) or type(exc).__name__
    delivered = status is not None and 200 <= status < 300
    with unit_of_work(settings.sqlalchemy_url) as session:
        session.add(
            CallbackAttempt(
                call_id=call_id, url=url, status_code=status, error=error, delivered=delivered
            )
        )
    if not delivered and not refused:  # a refused address will not get better: no retry
        raise RuntimeError(f"callback to {url} failed: {status or error}")  # dramatiq retries
