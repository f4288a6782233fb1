"""Sweep what a crash or a refused request left behind: partial uploads in ``incoming/`` and
stored audio that no call points at, once they are older than a grace period (a live upload
keeps touching its file; a call commits well within the grace)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from service.calls import repository
from service.calls.storage import storage_for
from service.db.session import unit_of_work
from service.settings import Settings

log = logging.getLogger("callqa.orphans")


@dataclass(frozen=True)
class Swept:
    partial_files: int
    unreferenced_audio: int


def sweep(settings: Settings) -> Swept:
    grace_s = settings.orphan_grace_s
    cutoff = time.time() - grace_s
    partial = 0
    incoming = settings.data_dir / "incoming"
    if incoming.is_dir():
        for path in incoming.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                partial += 1
    storage = storage_for(settings)
    candidates = list(storage.keys_older_than(grace_s))
    with unit_of_work(settings.sqlalchemy_url) as session:
        referenced = repository.referenced_audio_keys(session, candidates)
    unreferenced = [key for key in candidates if key not in referenced]
    for key in unreferenced:
        storage.delete(key)
    if partial or unreferenced:
        log.info("swept %d partial uploads and %d unreferenced recordings", partial,
                 len(unreferenced))
    return Swept(partial, len(unreferenced))
