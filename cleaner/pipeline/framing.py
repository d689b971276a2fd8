"""Reading the input inside the tasks: files are framed into batch files by the workers.

The first pass does not start from records the main process read. It starts from the
listing: consecutive input files are grouped into read tasks (`plan_reads`, from sizes on
disk alone), and a worker runs each one (`frame`): it opens, decompresses and splits its
files into records, cuts them into batches exactly as the first pass will run them, and
pickles each batch into a file of the run folder. It returns only those files' names and
record counts (`Framed`). The main process then hands the batch files, in input order, to
the first pass. So no input byte passes through the main process, the files of a dump are
read in parallel, and on a cluster the nodes read the input, not the driver.

A read task holds consecutive files up to `executor.read_mb` on disk (a folder of pages is
a few tasks); a larger file is a task alone, read by one worker (a compressed stream cannot
be split), and the first pass starts once every task has framed its files. Batches depend
on the input and on the executor's batch and read task sizes, never on the worker count or
on which worker framed them; outputs depend on none of these (tested), so they are
byte-identical however the work was spread.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cleaner.document import ReadFailure
from cleaner.executors import heartbeat
from cleaner.io.discover import InputFile
from cleaner.io.remote import FetchError, fetched
from cleaner.options import Settings
from cleaner.pipeline.source import ReadCounts, batched, read_items


@dataclass(frozen=True, slots=True)
class ReadTask:
    """Read `files` (consecutive in the listing) into batch files named
    `{folder}/read-{index:07d}-{n:05d}.pkl`, at most `limit` records in all."""

    index: int
    files: tuple[InputFile, ...]
    folder: str
    batch_docs: int
    batch_bytes: int
    limit: int | None = None

    def path_for(self, n: int) -> str:
        return os.path.join(self.folder, f"read-{self.index:07d}-{n:05d}.pkl")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One framed batch: the file that holds its items and how many records they are."""

    path: str
    records: int

    def load(self) -> list[Any]:
        """The batch's items (the file stays until `discard`: a batch whose worker dies
        runs once more from it)."""
        with open(self.path, "rb") as source:
            items: list[Any] = pickle.load(source)
        return items

    def discard(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


@dataclass(slots=True)
class Framed:
    """What a read task produced: its batches in order, the records and files it read, the
    readers' notes (repairs counted per file) and the bytes on disk of its files; or, for a
    task that could not run (`unread`), one error row per file in `failures`."""

    chunks: list[Chunk] = field(default_factory=list)
    failures: list[ReadFailure] = field(default_factory=list)
    records: int = 0
    files: int = 0
    notes: Counter[str] = field(default_factory=Counter)
    bytes: int = 0


def plan_reads(files: list[InputFile], read_bytes: int) -> list[tuple[InputFile, ...]]:
    """`files` cut into consecutive groups of at most `read_bytes` bytes on disk (a larger
    file is a group alone): one read task each."""
    groups: list[tuple[InputFile, ...]] = []
    group: list[InputFile] = []
    size = 0
    for file in files:
        if group and size + file.size > read_bytes:
            groups.append(tuple(group))
            group, size = [], 0
        group.append(file)
        size += file.size
    if group:
        groups.append(tuple(group))
    return groups


def frame(task: ReadTask, settings: Settings) -> Framed:
    """Run a read task (see the module docstring). A second attempt, after a worker died,
    writes the same batch files again: the same input gives the same batches and names."""
    counts = ReadCounts()
    out = Framed(bytes=sum(f.size for f in task.files))
    items = _beating(_records(task.files, settings, task.limit, counts))
    for n, batch in enumerate(batched(items, task.batch_docs, task.batch_bytes)):
        path = task.path_for(n)
        with open(path, "wb") as sink:
            pickle.dump(batch, sink, protocol=pickle.HIGHEST_PROTOCOL)
        out.chunks.append(Chunk(path, len(batch)))
    out.records, out.files, out.notes = counts.records, counts.files, counts.notes
    return out


def unread(task: ReadTask, reason: str) -> Framed:
    """A read task the executor gave up on (its worker hung or died twice): each of its
    files becomes one error row, and the batch files it may have written are removed."""
    for name in os.listdir(task.folder):
        if name.startswith(f"read-{task.index:07d}-"):
            os.unlink(os.path.join(task.folder, name))
    failures = [ReadFailure(f.source, None, f"not read: {reason} (reading the input)") for f in task.files]
    return Framed(failures=failures, records=len(failures), files=len(failures), bytes=sum(f.size for f in task.files))


def _records(files: tuple[InputFile, ...], settings: Settings, limit: int | None, counts: ReadCounts) -> Iterator[Any]:
    """Every record of `files`, at most `limit` in all; a remote file is read from a local
    copy (`cleaner.io.remote.fetched`), and one that cannot be copied is one error row."""
    for file in files:
        if limit is not None and counts.records >= limit:
            return
        if file.uri is None:
            yield from read_items([file], [], settings, limit, counts)
            continue
        try:
            with fetched(file) as local:
                yield from read_items([local], [], settings, limit, counts)
        except FetchError as exc:
            counts.records += 1
            counts.files += 1
            yield ReadFailure(file.source, None, str(exc))


def _beating(items: Iterable[Any]) -> Iterator[Any]:
    """`items`, telling the pool's watchdog that this worker is alive as each one is read."""
    for item in items:
        heartbeat.beat()
        yield item
