"""The review desk in a real browser: Debian's chromium driven by Playwright, against
`callqa serve` on a real database. Screenshots land in test-artifacts/desk/ (gitignored)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.served import CHROMIUM, ROOT, create_key, scratch_postgres, service_env, serving

ARTIFACTS = ROOT / "test-artifacts" / "desk"


@dataclass
class Desk:
    base: str
    database: str  # sqlite | postgresql
    database_url: str
    keys: dict[str, str]  # role -> key
    other_tenant_key: str

    def shot(self, page, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{self.database}-{name}.png"), full_page=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def desk(request, tmp_path_factory):
    data = tmp_path_factory.mktemp(f"desk-{request.param}")

    def run(database_url: str):
        env = service_env(data, database_url)
        keys = {role: create_key(env, "lakeside", role, f"{role.title()} Person")
                for role in ("qa", "supervisor", "platform", "admin")}
        other = create_key(env, "elsewhere", "supervisor", "Someone Else")
        with serving(env) as base:
            url = database_url or f"sqlite:///{(data / 'callqa.db').resolve()}"
            yield Desk(base, request.param, url, keys, other)

    if request.param == "sqlite":
        yield from run("")
    else:
        with scratch_postgres() as url:
            yield from run(url)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: `./dev test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-background-networking",
                  "--autoplay-policy=no-user-gesture-required"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Fresh browser profiles (cookies) that fail the test on any script error or any
    request to another host."""
    contexts, errors, outside = [], [], []

    def local_only(route):
        # nothing may come from a CDN or anywhere else: customers run this offline
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def make(**options):
        # a common laptop screen (the 1366x768); tests set 1280x720 and tablets too
        context = browser.new_context(**({"viewport": {"width": 1366, "height": 768}} | options))
        context.route("**/*", local_only)
        context.on("weberror", lambda error: errors.append(str(error.error)))
        # refused requests the test provokes log "Failed to load resource"; anything else
        # at error level is a bug in our scripts
        context.on("console", lambda message: errors.append(message.text)
                   if message.type == "error"
                   and not message.text.startswith("Failed to load resource") else None)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors
    assert not outside, f"requests left the machine: {outside}"


def sign_in(page, base: str, key: str, then: str = "/"):
    page.goto(base + then)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
