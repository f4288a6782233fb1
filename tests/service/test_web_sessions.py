"""Review desk sign-in at the HTTP level, on SQLite and PostgreSQL: what the cookie may do."""

from __future__ import annotations

import re

from service.desk.viewer import safe_next


def sign_in(api, role: str, next_url: str = "/"):
    form = api.client.get("/signin").text
    token = re.search(r'name="signin_token" value="([^"]+)"', form).group(1)
    return api.client.post("/signin", data={"api_key": api.keys[role], "signin_token": token,
                                            "next": next_url}, follow_redirects=False)


def csrf_of(api) -> str:
    page = api.client.get("/upload").text
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_cookie_reads_the_api_and_changes_need_the_csrf_token(api):
    signed = sign_in(api, "admin")
    assert signed.status_code == 303 and signed.headers["location"] == "/queue"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert api.client.get("/api/v1/calls").status_code == 200
    assert api.client.put("/api/v1/config/tenant", json={}).status_code == 403
    token = csrf_of(api)
    assert api.client.put("/api/v1/config/tenant", json={},
                          headers={"X-CSRF-Token": token}).status_code == 200


def test_revoking_the_key_ends_its_sessions(api):
    sign_in(api, "supervisor")
    assert api.client.get("/rules").status_code == 200
    keys = api.client.get("/api/v1/keys", headers=api.headers("admin")).json()
    supervisor = next(k for k in keys if k["role"] == "supervisor")
    api.client.delete(f"/api/v1/keys/{supervisor['id']}", headers=api.headers("admin"))
    again = api.client.get("/rules", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/signin?next=%2Frules&reason=expired"
    assert api.client.get("/api/v1/calls").status_code == 401


def test_sign_in_needs_the_forms_own_token(api):
    api.client.get("/signin")
    forged = api.client.post("/signin", data={"api_key": api.keys["admin"],
                                              "signin_token": "guessed"})
    assert forged.status_code == 400 and "callqa_session" not in forged.headers.get(
        "set-cookie", "")


def test_after_sign_in_only_same_site_paths():
    assert safe_next("/calls/abc?x=1") == "/calls/abc?x=1"
    for hostile in ("https://evil.example", "//evil.example/x", "/\\evil.example", "", None):
        assert safe_next(hostile) == "/"
