"""A per-call time limit, so one pathological page becomes an error row, not a hung run.

The limit is a `SIGALRM` timer (`signal.setitimer`): the only way to interrupt pure-Python
work (trafilatura's tree walks) without another thread or process per page. It has limits,
which callers must know about:

- Signals are delivered to the main thread only, so the limit applies only when the call
  runs in the main thread of its process (the serial executor and process-pool workers do;
  a thread pool does not). Elsewhere, and on platforms without `setitimer` (Windows), the
  call runs without a limit and a debug message says so once.
- Python handles a signal between bytecodes: a single long call into C (one huge
  `lxml` parse) is interrupted only once it returns.
- The timer is process-wide. An outer timer armed by the caller is suspended for the
  duration of the call and re-armed afterwards with what was left of it.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

T = TypeVar("T")

_warned = False

#: Seconds between repeats of an alarm that something swallowed (see call_with_time_limit).
_REPEAT_S = 0.05


class TimeLimitExceeded(Exception):
    """The call ran past its limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


class _Alarm(BaseException):
    """Raised by the signal handler.

    A BaseException, so that library code with a broad `except Exception` (trafilatura
    has some) cannot swallow it and carry on past the limit.
    """


def limit_available() -> bool:
    """Whether a time limit can be enforced for a call made from this thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call_with_time_limit(seconds: float, func: Callable[[], T]) -> T:
    """Return `func()`, or raise TimeLimitExceeded once it has run `seconds`.

    `seconds <= 0` means no limit. See the module docstring for when no limit can be set.
    Once the limit is reached the alarm repeats every `_REPEAT_S` until the call is
    unwound: an exception raised where Python only prints it ("Exception ignored in", a
    destructor or a callback) would otherwise end the limit silently.
    """
    if seconds <= 0:
        return func()
    if not limit_available():
        _warn_once()
        return func()
    active = [True]

    def _raise_alarm(signum: int, frame: object) -> None:
        if active[0]:
            raise _Alarm

    previous_handler = signal.signal(signal.SIGALRM, _raise_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_S)
    started = time.monotonic()
    try:
        try:
            return func()
        finally:
            active[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Alarm:
        raise TimeLimitExceeded(seconds) from None
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        _rearm_outer(outer_delay, outer_interval, time.monotonic() - started)


def _rearm_outer(delay: float, interval: float, elapsed: float) -> None:
    """Give back a timer the caller had armed, minus the time this call took."""
    if delay > 0:
        signal.setitimer(signal.ITIMER_REAL, max(delay - elapsed, 1e-3), interval)


def _warn_once() -> None:
    global _warned
    if not _warned:
        _warned = True
        log.debug("no per-document time limit: not in the main thread or no setitimer")
