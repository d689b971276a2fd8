"""The library's exception tree.

Every error a user can cause (a bad config, unreadable input, an output folder we may not
replace) is a `CleanerError` carrying a one-line message and a hint; the CLI prints them as
`error: ...` and exits with `exit_code`. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleaner.pipeline.runner import RunSummary


class CleanerError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(CleanerError):
    """config.yaml or a command-line option is invalid; nothing was read yet."""

    exit_code = 2


class InputError(CleanerError):
    """The input path cannot be used at all (missing, unreadable)."""

    exit_code = 2


class OutputError(CleanerError):
    """The output folder cannot be written or must not be replaced."""

    exit_code = 1


class TooManyErrors(CleanerError):
    """The share of unreadable records went above `readers.max_errors`.

    The outputs were written all the same; `summary` (the run's `RunSummary`) lets the CLI
    show its table before the error line.
    """

    exit_code = 3

    def __init__(self, message: str, hint: str | None = None, summary: RunSummary | None = None) -> None:
        super().__init__(message, hint)
        self.summary = summary


class RecordError(Exception):
    """One input record could not be read or processed.

    Raised inside readers and stages; the pipeline turns it into a row of errors.parquet
    and the run goes on.
    """


class NotText(RecordError):
    """The bytes are binary content (an image, an executable, an archive), not text.

    Nothing failed: the record was read and is not a document, like an image response in a
    WARC. Readers turn it into a removal (`non_text`, a row of removed.parquet), so it does
    not count toward `readers.max_errors`.
    """
