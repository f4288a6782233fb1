"""Request plumbing every domain shares: the app's settings and the request's unit of work.

A request gets one session; it commits once, after the route returns and before the
response is sent (``scope="function"``), so a 2xx answer means the change is stored. Actions
registered with ``after_commit`` (enqueueing a job) run after that commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from service.db.session import unit_of_work
from service.settings import Settings


def app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]


def request_session(settings: SettingsDep) -> Iterator[Session]:
    with unit_of_work(settings.sqlalchemy_url) as session:
        yield session


SessionDep = Annotated[Session, Depends(request_session, scope="function")]
