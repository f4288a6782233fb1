"""Download a recording a webhook points at, without becoming an SSRF proxy.

Every hop (the first URL and each redirect) is resolved, and refused if any address is
private, loopback, link-local, multicast, reserved or a cloud metadata address. The
connection then goes to the checked address (no second DNS lookup that could differ).
Size and time are capped; the body streams to disk."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from service.errors import CallqaError

MAX_REDIRECTS = 5


class FetchError(CallqaError):
    """Why a URL was not fetched (safe to show the caller)."""

    status, code = 422, "fetch_failed"


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int
    timeout_s: float
    allowlist: tuple[str, ...] = ()  # host suffixes; empty: any public host
    allow_private: bool = False
    auth: tuple[str, str] | None = None  # basic auth (Twilio recordings)


@dataclass(frozen=True)
class Fetched:
    path: Path
    size: int
    sha256: str
    content_type: str


def policy_for(settings, auth: tuple[str, str] | None = None, max_bytes: int | None = None):
    """The fetch policy the service's settings describe (downloads and outgoing callbacks)."""
    return FetchPolicy(
        max_bytes=settings.max_upload_bytes if max_bytes is None else max_bytes,
        timeout_s=settings.fetch_timeout_s,
        allowlist=tuple(h.strip().lower() for h in settings.fetch_allowlist.split(",") if h.strip()),
        allow_private=settings.fetch_allow_private,
        auth=auth,
    )


def _allowed_host(host: str, allowlist: tuple[str, ...]) -> bool:
    return not allowlist or any(host == a or host.endswith("." + a) for a in allowlist)


def _check_address(address: str, allow_private: bool) -> None:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if allow_private and not ip.is_multicast:
        return
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        raise FetchError(f"refusing to fetch from non-public address {ip}")


def resolve(url: str, policy: FetchPolicy) -> tuple[str, str]:
    """(host, checked IP) for ``url``, or FetchError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"audio_url must be http or https, not {parts.scheme or 'empty'}")
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchError("audio_url has no host")
    if not _allowed_host(host, policy.allowlist):
        raise FetchError(f"host {host} is not in the fetch allow-list")
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise FetchError(f"cannot resolve {host}") from error
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        _check_address(address, policy.allow_private)  # all of them: no DNS-rebinding pick
    return host, addresses[0]


def fetch(url: str, target: Path, policy: FetchPolicy) -> Fetched:
    deadline = time.monotonic() + policy.timeout_s
    for _ in range(MAX_REDIRECTS + 1):
        host, address = resolve(url, policy)
        parts = urlsplit(url)
        pinned = parts._replace(
            netloc=(f"[{address}]" if ":" in address else address)
            + (f":{parts.port}" if parts.port else "")
        ).geturl()
        remaining = max(1.0, deadline - time.monotonic())
        # connect to the checked address; Host header and TLS SNI stay the real host name
        with httpx.Client(timeout=remaining, follow_redirects=False, verify=True) as client:
            request = client.build_request(
                "GET",
                pinned,
                headers={"Host": parts.netloc.split("@")[-1]},
                extensions={"sni_hostname": host},
            )
            if policy.auth:
                token = base64.b64encode(":".join(policy.auth).encode()).decode()
                request.headers["Authorization"] = f"Basic {token}"
            response = client.send(request, stream=True)
            try:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code != 200:
                    raise FetchError(f"audio_url answered HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > policy.max_bytes:
                    raise FetchError(
                        f"audio is {declared} bytes, over the {policy.max_bytes} limit"
                    )
                return _stream_to(response, target, policy, deadline)
            finally:
                response.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _stream_to(response: httpx.Response, target: Path, policy: FetchPolicy, deadline: float):
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in response.iter_bytes(1 << 16):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(f"audio is over the {policy.max_bytes} byte limit")
            if time.monotonic() > deadline:
                raise FetchError(f"download took longer than {policy.timeout_s:.0f} s")
            digest.update(chunk)
            out.write(chunk)
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    return Fetched(target, size, digest.hexdigest(), content_type)
