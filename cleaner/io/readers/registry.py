"""The open registry of readers: one `Reader` per input format.

A reader is a name, the file extensions it claims and one function from an opened file to
its stream of items (`cleaner.io.items`). The built-in readers are listed in
`cleaner.io.readers.READERS`; adding a format is one module holding its read function plus
one line there. A reader from outside the package is found either through the entry-point
group `cleaner.readers` (`csv = "mypkg.readers:CSV"`, naming a `Reader` instance) or through
`readers.plugins: ["mypkg.readers:CSV"]` in config.yaml. A plugin may claim only extensions
and a name no built-in reader has: the built-ins' content checks (Parquet and web-archive
magic, an HTML document behind any name) always come first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import BinaryIO

from cleaner.io.items import ItemStream
from cleaner.options import Settings
from cleaner.plugins import import_object, split_import_path

ENTRY_POINT_GROUP = "cleaner.readers"


@dataclass(frozen=True)
class OpenFile:
    """One input file, opened for its reader.

    `stream` yields the file's bytes, decompressed; `source` is its path relative to the
    input root (ids and output rows name it); `path` is the file on disk, for a reader that
    needs random access (`compressed` says whether `path` holds compressed bytes); with
    `defer`, records that are costly to decode may come out as `Deferred` items.
    """

    stream: BinaryIO
    source: str
    path: Path
    compressed: bool
    defer: bool


ReadFunction = Callable[[OpenFile, Settings], ItemStream]


@dataclass(frozen=True)
class Reader:
    """A format: its name (the summary shows it), the extensions it claims (lowercase, with
    the dot, before any compression suffix) and how to read one file.

    `container`: the format is a binary container with its own magic (Parquet, WARC), so a
    file that has the extension but not the magic is read as text instead."""

    name: str
    extensions: tuple[str, ...]
    read: ReadFunction
    container: bool = False


class UnknownReader(LookupError):
    """A reader reference that names no reader; the message says why."""


def load_reader(reference: str) -> Reader:
    """The `Reader` instance at `module:attr`."""
    if split_import_path(reference) is None:
        raise UnknownReader(f"{reference!r} is not an import path of the form 'module:attr'")
    reader = import_object(reference, UnknownReader, f"reader {reference!r}")
    if not isinstance(reader, Reader):
        raise UnknownReader(f"{reference!r} is not a reader: expected a cleaner.io.readers.registry.Reader instance")
    return reader


def with_plugins(builtins: Iterable[Reader], references: Iterable[str]) -> tuple[Reader, ...]:
    """The built-in readers, then those registered as entry points, then those `references`
    name; raises UnknownReader for a reference that is not a reader or that claims a name
    or an extension an earlier reader has. Entry points that clash are skipped (an
    installed package must not break every run)."""
    readers = list(builtins)
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        try:
            candidate = load_reader(point.value)
        except UnknownReader:
            continue
        if _clash(readers, candidate) is None:
            readers.append(candidate)
    for reference in references:
        candidate = load_reader(reference)
        if candidate in readers:
            continue
        clash = _clash(readers, candidate)
        if clash is not None:
            raise UnknownReader(f"reader {reference!r} {clash}")
        readers.append(candidate)
    return tuple(readers)


def _clash(readers: list[Reader], candidate: Reader) -> str | None:
    for reader in readers:
        if reader.name == candidate.name:
            return f"is named {candidate.name!r}, like an existing reader"
        taken = sorted(set(reader.extensions) & set(candidate.extensions))
        if taken:
            return f"claims {', '.join(taken)}, which the {reader.name!r} reader reads"
    return None
