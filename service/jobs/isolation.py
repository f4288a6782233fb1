"""Run an analysis in a long-lived child process, so that whatever a recording does to the
process analysing it (runs it out of memory, crashes a native library) cannot take the
API down with it. In embedded mode (`callqa serve` without a broker) the jobs run inside
the API's process, so this is the default there.

One child per concurrent job slot, each in its own executor, started with ``spawn`` on first
use and kept (its models stay loaded); a child that dies fails only the job it was running
and is replaced on the next job in its slot. A watchdog stops a child whose resident memory
passes ``CALLQA_ANALYSIS_MEMORY_GB`` (by default three quarters of the machine's), before the
kernel's OOM killer picks a victim that may be the API itself. Resident memory, not address
space: torch, ONNX Runtime and CTranslate2 reserve gigabytes of address space they never
touch (bench/results/child_memory.md)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from audio.pipeline import AnalysisOptions
    from audio.schema import CallAnalysis

log = logging.getLogger("callqa.jobs")
T = TypeVar("T")

# per slot count: the children not in use (None: to be started when next needed)
_free: dict[int, queue.Queue[ProcessPoolExecutor | None]] = {}
_live: set[ProcessPoolExecutor] = set()
_lock = threading.Lock()


class AnalysisProcessDied(Exception):
    """The child analysing a call ended without an answer (killed, out of memory, crashed)."""


WATCH_EVERY_S = 0.2


def _start_child() -> None:
    from audio.models import offline_environment

    offline_environment()
    _exit_with_parent(os.getppid())


def resident_gb(pid: int) -> float:
    """The process's resident memory in GB (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 2**20
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


class _OverBudget(Exception):
    pass


class _OutOfTime(Exception):
    pass


def _result_within_budget(pool: ProcessPoolExecutor, future: Future[T], memory_gb: float,
                          time_limit_s: float | None) -> T:
    """The future's result, whatever it raised (a TimeoutError of the analysis included);
    kills the child and raises _OverBudget when its resident memory passes ``memory_gb``
    (0: no cap), and _OutOfTime past ``time_limit_s``."""
    deadline = None if time_limit_s is None else time.monotonic() + time_limit_s
    while not wait([future], timeout=WATCH_EVERY_S).done:
        if deadline is not None and time.monotonic() > deadline:
            raise _OutOfTime
        for process in list((pool._processes or {}).values()) if memory_gb > 0 else ():
            if resident_gb(process.pid) > memory_gb:
                process.kill()
                raise _OverBudget
    return future.result()


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


def _slots(slots: int) -> queue.Queue[ProcessPoolExecutor | None]:
    with _lock:
        free = _free.get(slots)
        if free is None:
            free = _free[slots] = queue.Queue()
            for _ in range(slots):
                free.put(None)
        return free


def _child() -> ProcessPoolExecutor:
    """One child, alone in its own executor: a child that dies breaks only its own job."""
    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_child
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
    """``function(*args)`` in one of ``slots`` children (waits while all are busy), stopped
    if its resident memory passes ``memory_gb`` (0: no cap) or it runs past ``time_limit_s``."""
    free = _slots(slots)
    pool = free.get()
    try:
        pool = pool or _child()
        return _result_within_budget(pool, pool.submit(function, *args), memory_gb,
                                     time_limit_s)
    except _OverBudget as error:
        _discard(pool)
        pool = None
        raise AnalysisProcessDied(
            f"the analysis used more than its memory budget of {memory_gb:.1f} GB and was "
            "stopped (CALLQA_ANALYSIS_MEMORY_GB)"
        ) from error
    except _OutOfTime as error:
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
            "or model)"
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
