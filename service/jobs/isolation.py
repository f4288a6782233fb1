"""Run an analysis in a long-lived child process, so that whatever a recording does to the
process analysing it (runs it out of memory, crashes a native library) cannot take the
API down with it. In embedded mode (`callqa serve` without a broker) the jobs run inside
the API's process, so this is the default there.

One child per concurrent job slot, started with ``spawn`` on first use and kept (its models
stay loaded); a child that dies is replaced on the next job. With
``CALLQA_ANALYSIS_MEMORY_GB`` the child's address space is capped, so an allocation past
it fails inside the child instead of growing until the kernel picks a victim."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audio.pipeline import AnalysisOptions
    from audio.schema import CallAnalysis

log = logging.getLogger("callqa.jobs")

_pools: dict[tuple[int, float], ProcessPoolExecutor] = {}
_lock = threading.Lock()


class AnalysisProcessDied(Exception):
    """The child analysing a call ended without an answer (killed, out of memory, crashed)."""


def _start_child(memory_gb: float) -> None:
    from audio.models import offline_environment

    offline_environment()
    _exit_with_parent(os.getppid())
    if memory_gb > 0:
        import resource

        limit = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _exit_with_parent(parent: int, every_s: float = 1.0) -> None:
    """End this child when the process that started it is gone. An idle pool worker waits on
    its queue and would otherwise live on, models loaded, after its parent was killed."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _analyze(path: str, options: AnalysisOptions) -> CallAnalysis:
    from audio.pipeline import analyze

    return analyze(path, options)


def _pool(slots: int, memory_gb: float) -> ProcessPoolExecutor:
    key = (slots, memory_gb)
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=slots,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_child,
                initargs=(memory_gb,),
            )
            _pools[key] = pool
        return pool


def _discard(slots: int, memory_gb: float, broken: ProcessPoolExecutor) -> None:
    with _lock:
        if _pools.get((slots, memory_gb)) is broken:
            del _pools[(slots, memory_gb)]
    broken.shutdown(wait=False, cancel_futures=True)


def analyze_in_child(
    path: Path,
    options: AnalysisOptions,
    *,
    slots: int = 1,
    memory_gb: float = 0.0,
    time_limit_s: float | None = None,
) -> CallAnalysis:
    """``audio.pipeline.analyze(path, options)`` in a child process. Exceptions raised by the
    analysis come back as they are; a child that dies, or runs past ``time_limit_s``,
    raises AnalysisProcessDied."""
    pool = _pool(slots, memory_gb)
    try:
        return pool.submit(_analyze, os.fspath(path), options).result(timeout=time_limit_s)
    except TimeoutError as error:
        for process in list((pool._processes or {}).values()):
            process.kill()  # a hung decoder or model: nothing else would stop it
        _discard(slots, memory_gb, pool)
        raise AnalysisProcessDied(
            f"the analysis ran past its {time_limit_s:.0f} s time limit and was stopped"
        ) from error
    except BrokenProcessPool as error:
        _discard(slots, memory_gb, pool)
        raise AnalysisProcessDied(
            "the process analysing this call died (out of memory or a crash in a decoder "
            "or model)" + (f"; its memory budget is {memory_gb:g} GB" if memory_gb else "")
        ) from error


def child_pids() -> list[int]:
    """The live analysis children (for tests and diagnostics)."""
    with _lock:
        return [pid for pool in _pools.values() for pid in (pool._processes or {})]


def shutdown() -> None:
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
