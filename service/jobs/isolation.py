"""Run an analysis in a long-lived child process, so that whatever a recording does to the
process analysing it (runs it out of memory, crashes a native library) cannot take the
API down with it. In embedded mode (`callqa serve` without a broker) the jobs run inside
the API's process, so this is the default there.

One child per concurrent job slot, each in its own executor, started with ``spawn`` on first
use and kept (its models stay loaded); a child that dies fails only the job it was running
and is replaced on the next job in its slot. With
``CALLQA_ANALYSIS_MEMORY_GB`` the child's address space is capped, so an allocation past
it fails inside the child instead of growing until the kernel picks a victim."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from audio.pipeline import AnalysisOptions
    from audio.schema import CallAnalysis

log = logging.getLogger("callqa.jobs")
T = TypeVar("T")

# per (slots, memory_gb): the children not in use (None: to be started when next needed)
_free: dict[tuple[int, float], queue.Queue[ProcessPoolExecutor | None]] = {}
_live: set[ProcessPoolExecutor] = set()
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


def _slots(slots: int, memory_gb: float) -> queue.Queue[ProcessPoolExecutor | None]:
    with _lock:
        free = _free.get((slots, memory_gb))
        if free is None:
            free = _free[(slots, memory_gb)] = queue.Queue()
            for _ in range(slots):
                free.put(None)
        return free


def _child(memory_gb: float) -> ProcessPoolExecutor:
    """One child, alone in its own executor: a child that dies breaks only its own job."""
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_child,
        initargs=(memory_gb,),
    )
    with _lock:
        _live.add(pool)
    return pool


def _discard(pool: ProcessPoolExecutor, *, kill: bool = False) -> None:
    if kill:  # a hung decoder or model: nothing else would stop it
        for process in list((pool._processes or {}).values()):
            process.kill()
    with _lock:
        _live.discard(pool)
    pool.shutdown(wait=False, cancel_futures=True)


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
    return run_in_child(_analyze, os.fspath(path), options, slots=slots, memory_gb=memory_gb,
                        time_limit_s=time_limit_s)


def run_in_child(function: Callable[..., T], *args: Any, slots: int, memory_gb: float,
                 time_limit_s: float | None) -> T:
    """``function(*args)`` in one of ``slots`` children (waits while all are busy)."""
    free = _slots(slots, memory_gb)
    pool = free.get() or _child(memory_gb)
    try:
        return pool.submit(function, *args).result(timeout=time_limit_s)
    except TimeoutError as error:
        _discard(pool, kill=True)
        pool = None
        raise AnalysisProcessDied(
            f"the analysis ran past its {time_limit_s:.0f} s time limit and was stopped"
        ) from error
    except BrokenProcessPool as error:
        _discard(pool)
        pool = None
        raise AnalysisProcessDied(
            "the process analysing this call died (out of memory or a crash in a decoder "
            "or model)" + (f"; its memory budget is {memory_gb:g} GB" if memory_gb else "")
        ) from error
    finally:
        free.put(pool)  # a child that died is replaced when the slot is next used


def child_pids() -> list[int]:
    """The live analysis children (for tests and diagnostics)."""
    with _lock:
        return [pid for pool in _live for pid in (pool._processes or {})]


def shutdown() -> None:
    with _lock:
        pools = list(_live)
        _live.clear()
        _free.clear()
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
