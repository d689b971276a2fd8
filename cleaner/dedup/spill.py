"""On-disk stores that keep a collector's memory flat however large the corpus.

`SpillFile` holds variable-length uint32 items (shingle sets, word sequences) appended in
batches and read back one item at a time with pread by the verification kernels; only the
per-item offsets stay in memory. `PartitionedKeys` spreads uint64 keys over a few files by
their top bits so that each partition can be sorted on its own (an external sort without
the merge: equal keys always land in the same partition). `PartitionedRows` does the same
for rows of several uint64 columns, grouped by their first column and read back as written.
`ColumnSpill` keeps the columns of a uint64 matrix (band keys) in a file each, read back one
at a time. `StringSpill` keeps strings (document ids, site names) on disk, read back by index.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from cleaner.errors import CleanerError

#: Candidate pairs and passage anchors pack an item's index into 32 bits of a uint64 key, so
#: one run indexes at most this many documents (dedup) or passage units (passages: about
#: 120 M web pages). Past it, keys would silently mix items; `check_capacity` stops first.
MAX_ITEMS = 1 << 32


def check_capacity(total: int, what: str, stage: str) -> None:
    """Stop a run whose index would outgrow `MAX_ITEMS` before any key is corrupted."""
    if total > MAX_ITEMS:
        raise CleanerError(
            f"{stage}: {total:,} {what} in one run, more than the {MAX_ITEMS:,} its index can address",
            f"split the input into several runs, or run {stage} on each part and once more on what the parts kept",
        )


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """Distinct values of a sorted array (np.unique hashes 64-bit keys, several times slower)."""
    if len(keys) < 2:
        return keys
    keep = np.empty(len(keys), dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


class Growable:
    """An append-only numpy vector that grows by doubling (amortised O(1) appends)."""

    def __init__(self, dtype: type) -> None:
        self._data: np.ndarray = np.zeros(1024, dtype=dtype)
        self._len = 0

    def extend(self, values: np.ndarray) -> None:
        need = self._len + len(values)
        if need > len(self._data):
            grown = np.zeros(max(need, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self._len] = self._data[: self._len]
            self._data = grown
        self._data[self._len : need] = values
        self._len = need

    def view(self) -> np.ndarray:
        return self._data[: self._len]

    def __len__(self) -> int:
        return self._len


class SpillFile:
    """Append-only file of uint32 items, addressed by item index."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "w+b")
        self._offsets = Growable(np.int64)
        self._lengths = Growable(np.int64)
        self._size = 0  # in uint32 elements

    def append_csr(self, values: np.ndarray, offsets: np.ndarray) -> None:
        """Append the items `values[offsets[i]:offsets[i+1]]` in order."""
        values = np.ascontiguousarray(values, dtype=np.uint32)
        offsets = np.asarray(offsets, dtype=np.int64)
        self._file.write(values[offsets[0] : offsets[-1]].tobytes())
        self._offsets.extend(offsets[:-1] - offsets[0] + self._size)
        self._lengths.extend(np.diff(offsets))
        self._size += int(offsets[-1] - offsets[0])

    def flush(self) -> None:
        """Make appended data visible to pread."""
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()

    @property
    def offsets(self) -> np.ndarray:
        return self._offsets.view()

    @property
    def lengths(self) -> np.ndarray:
        return self._lengths.view()

    def read(self, item: int) -> np.ndarray:
        """One item (for tests and small look-ups)."""
        self.flush()
        n, off = int(self.lengths[item]), int(self.offsets[item])
        return np.frombuffer(os.pread(self.fileno(), n * 4, off * 4), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._offsets)

    def close(self) -> None:
        """Close and delete the file."""
        self._file.close()
        self.path.unlink(missing_ok=True)


class PartitionedKeys:
    """uint64 keys spread over `2**bits` files, read back sorted, one partition at a time.

    By default a key goes to the partition of its top bits (for hash keys: even spread,
    equal keys together); `add` may name the partitions instead (for pairs bucketed by
    their first item, so that reading partitions in order yields globally sorted pairs).
    """

    def __init__(self, folder: Path, bits: int = 4) -> None:
        if not 1 <= bits <= 8:
            raise ValueError(f"bits must be in 1..8, got {bits}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.bits = bits
        self._files = [open(self.folder / f"part-{p:03d}.u64", "w+b") for p in range(1 << bits)]
        self.count = 0

    def add(self, keys: np.ndarray, part: np.ndarray | None = None) -> None:
        """Append keys (any order), to the given partitions or by their top bits."""
        keys = np.asarray(keys, dtype=np.uint64)
        if part is None:
            part = keys >> np.uint64(64 - self.bits)
        part = np.asarray(part).astype(np.uint8)  # bits <= 8; a stable sort of uint8 is a radix sort
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange((1 << self.bits) + 1))
        for p, f in enumerate(self._files):
            chunk = keys[order[bounds[p] : bounds[p + 1]]]
            if len(chunk):
                f.write(chunk.tobytes())
        self.count += len(keys)

    def partitions(self, unique: bool = False) -> Iterator[np.ndarray]:
        """Each partition's keys, sorted (and deduplicated if asked); one at a time in memory."""
        for f in self._files:
            f.flush()
            f.seek(0)
            keys = np.fromfile(f, dtype=np.uint64)
            keys.sort()
            yield sorted_unique(keys) if unique else keys

    def close(self) -> None:
        """Close and delete the files."""
        for p, f in enumerate(self._files):
            f.close()
            (self.folder / f"part-{p:03d}.u64").unlink(missing_ok=True)
        try:
            self.folder.rmdir()
        except OSError:
            pass


class PartitionedRows:
    """Rows of `width` uint64 columns spread over `2**bits` files by the top bits of their
    first column, so that rows with the same first value share a partition; each partition
    is read back whole, in the order its rows were added (stable, hence deterministic)."""

    def __init__(self, folder: Path, width: int, bits: int = 4) -> None:
        if width < 1:
            raise ValueError(f"width must be at least 1, got {width}")
        self.width = width
        self._keys = PartitionedKeys(folder, bits)

    def add(self, *columns: np.ndarray) -> None:
        """Append rows given column by column (equal lengths)."""
        if len(columns) != self.width:
            raise ValueError(f"expected {self.width} columns, got {len(columns)}")
        rows = np.column_stack([np.asarray(c, dtype=np.uint64) for c in columns])
        part = rows[:, 0] >> np.uint64(64 - self._keys.bits)
        order = np.argsort(part.astype(np.uint8), kind="stable")
        bounds = np.searchsorted(part[order], np.arange((1 << self._keys.bits) + 1, dtype=np.uint64))
        for p, f in enumerate(self._keys._files):
            chunk = rows[order[bounds[p] : bounds[p + 1]]]
            if len(chunk):
                f.write(np.ascontiguousarray(chunk).tobytes())
        self._keys.count += len(rows)

    @property
    def count(self) -> int:
        return self._keys.count

    def partitions(self) -> Iterator[tuple[np.ndarray, ...]]:
        """Each partition's columns, one partition at a time in memory."""
        for f in self._keys._files:
            f.flush()
            f.seek(0)
            rows = np.fromfile(f, dtype=np.uint64).reshape(-1, self.width)
            yield tuple(rows[:, c] for c in range(self.width))

    def close(self) -> None:
        """Close and delete the files."""
        self._keys.close()


class ColumnSpill:
    """Rows of `width` uint64 columns appended in batches, each column in a file of its own,
    read back one column at a time: the dedup index's band keys, of which candidate
    generation needs one band at a time (18 bands of 1M documents are 144 MB in memory)."""

    def __init__(self, folder: Path, width: int) -> None:
        if width < 1:
            raise ValueError(f"width must be at least 1, got {width}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files = [open(self._path(c), "w+b") for c in range(width)]
        self.rows = 0

    def _path(self, column: int) -> Path:
        return self.folder / f"column-{column:03d}.u64"

    def append(self, rows: np.ndarray) -> None:
        """Append rows, an (n, width) array."""
        rows = np.asarray(rows, dtype=np.uint64)
        if rows.ndim != 2 or rows.shape[1] != len(self._files):
            raise ValueError(f"expected rows of {len(self._files)} columns, got shape {rows.shape}")
        for c, f in enumerate(self._files):
            f.write(np.ascontiguousarray(rows[:, c]).tobytes())
        self.rows += len(rows)

    def columns(self) -> Iterator[np.ndarray]:
        """Each column in full, in order; one at a time in memory."""
        for f in self._files:
            f.flush()
            f.seek(0)
            yield np.fromfile(f, dtype=np.uint64)

    def close(self) -> None:
        """Close and delete the files."""
        for c, f in enumerate(self._files):
            f.close()
            self._path(c).unlink(missing_ok=True)
        try:
            self.folder.rmdir()
        except OSError:
            pass


class StringSpill:
    """Append-only file of strings (UTF-8), addressed by index; only offsets stay in memory."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "w+b")
        self._ends = Growable(np.int64)
        self._size = 0

    def extend(self, strings: list[str]) -> None:
        """Append strings in order."""
        encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
        self._file.write(b"".join(encoded))
        self._ends.extend(self._size + np.cumsum([len(b) for b in encoded], dtype=np.int64))
        self._size += sum(len(b) for b in encoded)

    def read(self, items: np.ndarray) -> list[str]:
        """The strings at the given indices, in that order."""
        items = np.asarray(items, dtype=np.int64)
        if not len(items) or not self._size:
            return ["" for _ in items]
        self._file.flush()
        ends = self._ends.view()
        starts = np.concatenate(([0], ends[:-1]))
        with mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return [view[starts[i] : ends[i]].decode("utf-8", "surrogatepass") for i in items]

    def __len__(self) -> int:
        return len(self._ends)

    def close(self) -> None:
        """Close and delete the file."""
        self._file.close()
        self.path.unlink(missing_ok=True)
