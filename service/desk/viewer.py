"""Who is looking at a desk page: the session cookie, the role's permissions, CSRF checks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from service.auth import sessions
from service.auth.keys import PERMISSIONS, ROLES
from service.auth.principal import Principal
from service.deps import SessionDep, SettingsDep

SIGNIN_COOKIE = "callqa_signin"  # double-submit token for the sign-in form itself

ROLE_CAN = {
    "qa": "upload calls and follow their analysis",
    "supervisor": "review flagged calls, see scorecards and rule precision",
    "platform": "post recordings by webhook (not sign in)",
    "admin": "do everything",
}


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    csrf_token: str

    def can(self, permission: str) -> bool:
        return self.principal.can(permission)


class SignInRequired(Exception):
    """Redirect to the sign-in page; ``reason`` is '' | expired | ended."""

    def __init__(self, next_url: str, reason: str = "") -> None:
        super().__init__(reason)
        self.next_url, self.reason = next_url, reason

    def location(self) -> str:
        reason = f"&reason={self.reason}" if self.reason else ""
        return f"/signin?next={quote(self.next_url, safe='')}{reason}"


class PageForbidden(Exception):
    """The signed-in role may not see this page; the message says why and what it may do."""

    def __init__(self, message: str, who: Viewer) -> None:
        super().__init__(message)
        self.who = who


def viewer(request: Request, session: SessionDep, settings: SettingsDep) -> Viewer:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    token = request.cookies.get(sessions.COOKIE, "")
    if not token:
        raise SignInRequired(here)
    state = sessions.resolve(session, settings, token)
    if state.key is None:
        raise SignInRequired(here, state.status)
    return Viewer(Principal.of(state.key), state.csrf_token)


ViewerDep = Annotated[Viewer, Depends(viewer)]


def need(who: Viewer, permission: str, page: str) -> None:
    if not who.can(permission):
        role = who.principal.role
        roles = [r for r in ROLES if permission in PERMISSIONS[r]]
        allowed = " or ".join(filter(None, [", ".join(roles[:-1]), roles[-1]]))
        article = "an" if allowed[0] in "aeiou" else "a"
        raise PageForbidden(
            f"{page} needs {article} {allowed} key. You are signed in with the {role!r} "
            f"role, which may {ROLE_CAN[role]}.",
            who,
        )


def check_csrf(who: Viewer, given: str | None) -> None:
    if not sessions.csrf_matches(who.csrf_token, given):
        raise PageForbidden(
            "This form is out of date (its security token does not match your session). "
            "Reload the page and try again.",
            who,
        )


def new_signin_token() -> str:
    return secrets.token_urlsafe(24)


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a freshly signed-in user to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
