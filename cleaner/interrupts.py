"""Ctrl-C and SIGTERM: abandon the run at once, leave the previous output, exit 130 / 143.

Both signals raise `Interrupted` in the main thread, wherever it is (reading, waiting for
a worker, writing). It is a BaseException, so no `except Exception` on the way catches it,
and it is not a KeyboardInterrupt, which typer would turn into a return value that the
caller could miss (and SIGTERM's default would end the process without any cleanup at
all). Unwinding kills the workers (`LocalExecutor.__exit__`) and removes the staging
folder (`run_pipeline`); the CLI prints one line and exits 128 + the signal number.

Pool workers ignore SIGINT (Ctrl-C reaches the whole process group): the main process
decides, and kills them.
"""

from __future__ import annotations

import signal


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; the run was abandoned."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as a shell reports a process ended by it."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def raise_on_signals() -> None:
    """From now on SIGINT and SIGTERM raise `Interrupted` (call in the main thread)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    """Raise once; a second signal while the run unwinds (killing workers, removing the
    staging folder, a few hundred milliseconds) must not cut that cleanup short."""
    for other in (signal.SIGINT, signal.SIGTERM):
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)
