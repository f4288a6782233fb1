"""API keys: shown once, stored as a SHA-256 hash, found by a short prefix.

A key looks like ``cqa_<prefix>_<secret>``; the prefix is stored in clear so a key can be
looked up without scanning, the secret is 256 bits so a fast hash is enough."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ROLES = ("qa", "supervisor", "platform", "admin")
# what each role may do; admin may do everything
PERMISSIONS = {
    "qa": {"upload", "read"},
    "supervisor": {"read", "review", "config"},
    "platform": {"webhook"},
    "admin": {"upload", "read", "review", "config", "webhook", "admin"},
}


def generate() -> tuple[str, str, str]:
    """(full key, prefix, sha256 hex of the key)."""
    prefix = secrets.token_hex(6)
    key = f"cqa_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, digest(key)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix_of(key: str) -> str | None:
    parts = key.split("_")
    return parts[1] if len(parts) >= 3 and parts[0] == "cqa" else None


def matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest(key), stored_hash)


def new_webhook_secret() -> str:
    """Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
