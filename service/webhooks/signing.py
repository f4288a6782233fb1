"""Webhook signatures. Incoming and outgoing: Standard Webhooks (standardwebhooks.com),
HMAC-SHA256 over ``id.timestamp.body``, base64, ``v1,`` prefix, several space-separated
signatures accepted (key rotation). Incoming from Twilio: HMAC-SHA1 over the public URL plus
the sorted form parameters (twilio.com/docs/usage/security)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from service.errors import CallqaError


class SignatureError(CallqaError):
    """Why a signature was refused (shown to the caller)."""

    status, code = 401, "bad_signature"


def _secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def _mac(secret: str, message_id: str, timestamp: int, body: bytes | Path) -> str:
    mac = hmac.new(_secret_bytes(secret), f"{message_id}.{timestamp}.".encode(), hashlib.sha256)
    if isinstance(body, Path):  # a spooled request body: never read whole into memory
        with body.open("rb") as handle:
            while block := handle.read(1 << 16):
                mac.update(block)
    else:
        mac.update(body)
    return base64.b64encode(mac.digest()).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    return "v1," + _mac(secret, message_id, timestamp, body)


def signed_headers(secret: str, message_id: str, body: bytes, now: float | None = None) -> dict:
    timestamp = int(time.time() if now is None else now)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(
    secrets: list[str], headers: Mapping[str, str], body: bytes | Path, tolerance_s: int = 300
) -> str:
    """Check a Standard Webhooks delivery against any of ``secrets``; returns the message id."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (message_id and timestamp and signatures):
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        if len(timestamp) > 20:
            raise ValueError(timestamp[:20])
        sent_at = int(timestamp)
    except ValueError as error:
        raise SignatureError("webhook-timestamp is not an integer") from error
    if abs(time.time() - sent_at) > tolerance_s:
        raise SignatureError(f"webhook-timestamp is more than {tolerance_s} s from now")
    offered = [part.split(",", 1)[1] for part in signatures.split() if part.startswith("v1,")]
    for secret in secrets:
        try:
            expected = _mac(secret, message_id, sent_at, body)
        except ValueError:  # a malformed stored secret must not hide the others
            continue
        if any(hmac.compare_digest(expected.encode(), c.encode()) for c in offered):
            return message_id
    raise SignatureError("no webhook-signature matches")


def twilio_signature(auth_token: str, url: str, pairs: Iterable[tuple[str, str]]) -> str:
    """Twilio's scheme over the form as sent: each key once, sorted, followed by each of its
    distinct values, sorted (a repeated key signs all of its values)."""
    values: dict[str, set[str]] = {}
    for key, value in pairs:
        values.setdefault(key, set()).add(value)
    payload = url + "".join(
        f"{key}{value}" for key in sorted(values) for value in sorted(values[key])
    )
    mac = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def verify_twilio(
    auth_token: str, url: str, pairs: Iterable[tuple[str, str]], signature: str
) -> None:
    if not signature:
        raise SignatureError("missing X-Twilio-Signature header")
    expected = twilio_signature(auth_token, url, pairs)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise SignatureError("X-Twilio-Signature does not match")
