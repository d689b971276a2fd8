"""A seeded mutator over real files of ../shared/data, and a harness that runs what it makes
through the whole pipeline in-process (tests/test_fuzz.py: 2,000 inputs;
benchmarks/fuzz_inputs.py: 10,000 and a table).

Seeds are small real inputs in every format the readers take: JSON lines of IMDb reviews
and of prose paragraphs (also as Parquet), HTML pages of two benchmarks (cut to 16 KB so
that extraction stays fast), WARC, WET and ARC records of real crawls, plain text and
Markdown. Each case takes one seed, maybe compresses it, and damages either its content
or its compressed container: bit flips, random bytes, truncation, splicing with another
seed, a chunk deleted or repeated, a long run of one pattern inserted (the shape of the
page that once hung a worker), or nothing. Some cases get a name that lies about the
format. The same `rng_seed` always makes the same cases.

Cases run in batches: each batch is a folder of files and one `run_pipeline` call with
the default stages, one worker, in this process. A batch passes when the run returns, every
file shows up in the outputs, the outputs hold exactly the records read (read = kept +
removed + errors, counted in the Parquet files themselves), and no error row is an
"internal error" (an exception no reader or stage had a name for: a bug).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import random
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cleaner.config import Config, parse_config
from cleaner.document import FileNote
from cleaner.io.discover import InputFile
from cleaner.io.readers import read_file
from cleaner.pipeline.runner import RunOptions, run_pipeline

HTML_BYTES = 16 << 10
ARCHIVE_BYTES = 32 << 10
MUTATIONS = ("bit_flips", "random_bytes", "truncate", "splice", "delete_chunk", "repeat_chunk", "repeat_run", "none")
CODECS = (None, None, "gzip", "bz2", "xz", "zstd")
SUFFIX = {"gzip": ".gz", "bz2": ".bz2", "xz": ".xz", "zstd": ".zst"}
#: Patterns whose long runs have broken text tools: blanks, markup, escapes, separators.
RUNS = (b"\t ", b" ", b"\n", b"\r\n", b"\xc2\xa0", b"-", b"*", b"[", b"](", b"<div>", b"&amp;", b"\\u", b"\\ud800",
        b'{"', b"\xe2\x80\x8b", b"\xff", b"a", b"1 ", b"> ", b"http://")


@dataclass(frozen=True, slots=True)
class Seed:
    name: str
    suffix: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Case:
    number: int
    seed: str
    mutation: str
    codec: str | None
    damaged: str  # "content" or "container"
    filename: str
    data: bytes


@dataclass
class BatchReport:
    cases: list[Case]
    seconds: float
    records: Counter[str] = field(default_factory=Counter)  # read, kept, removed, errors
    problems: list[str] = field(default_factory=list)
    by_file: dict[str, Counter[str]] = field(default_factory=dict)  # file name -> kept, removed, errors


# --- seeds ------------------------------------------------------------------------------------


def load_seeds(data: Path) -> list[Seed]:
    """Small real inputs of every format, from the external data folder `data`."""
    seeds: list[Seed] = []
    imdb = _first_lines(data / "imdb-reviews" / "aclimdb-100k.jsonl.xz", 60)
    prose = _first_lines(data / "prose-paragraphs" / "paragraphs.jsonl.xz", 60)
    seeds.append(Seed("imdb", ".jsonl", b"".join(imdb)))
    seeds.append(Seed("prose", ".jsonl", b"".join(prose)))
    seeds.append(Seed("imdb", ".parquet", _parquet([json.loads(line) for line in imdb[:40]])))
    for i, line in enumerate(prose[:6]):
        text = json.loads(line)["text"].encode()
        seeds.append(Seed(f"prose{i}", ".md" if i % 2 else ".txt", text))
    for folder in ("scrapinghub-aeb/html", "trafilatura-eval/html"):
        for path in sorted((data / folder).glob("*.gz"))[:5]:
            seeds.append(Seed(path.name.split(".")[0][:12], ".html", gzip.decompress(path.read_bytes())[:HTML_BYTES]))
    for path in sorted((data / "warc-samples").glob("*.gz")):
        suffix = ".arc" if ".arc" in path.name else ".wet" if ".wet" in path.name else ".wat" if ".wat" in path.name else ".warc"
        seeds.append(Seed(path.name.split(".")[0][:24], suffix, _archive_head(gzip.decompress(path.read_bytes()))))
    return seeds


def _first_lines(path: Path, count: int) -> list[bytes]:
    lines = []
    with lzma.open(path) as source:
        for line in source:
            lines.append(line)
            if len(lines) == count:
                break
    return lines


def _parquet(records: list[dict]) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(records), sink, row_group_size=32)
    return sink.getvalue()


def _archive_head(data: bytes) -> bytes:
    """The archive's first record (warcinfo, filedesc) and the next records that fit, so
    that a seed holds a few real pages; records larger than ARCHIVE_BYTES are passed over."""
    records = _records(data)
    head, size = [records[0]], len(records[0])
    for record in records[1:]:
        if size >= ARCHIVE_BYTES // 2:
            break
        if size + len(record) <= ARCHIVE_BYTES:
            head.append(record)
            size += len(record)
    return b"".join(head)


# --- cases ------------------------------------------------------------------------------------


def make_cases(seeds: list[Seed], count: int, rng_seed: int, start: int = 0) -> Iterator[Case]:
    """`count` cases (numbered from `start`), the same ones for the same `rng_seed`."""
    rng = random.Random(rng_seed)
    for number in range(start, start + count):
        seed = rng.choice(seeds)
        codec = rng.choice(CODECS)
        mutation = rng.choice(MUTATIONS)
        damaged = "container" if codec is not None and rng.random() < 0.4 else "content"
        data = _own_record_ids(seed, number)
        data = data if damaged == "container" else mutate(data, mutation, rng, seeds)
        packed = compress(data, codec, seed.suffix)
        if damaged == "container":
            packed = mutate(packed, mutation, rng, seeds)
        suffix = rng.choice((".txt", ".html", ".jsonl", ".warc", ".parquet", "")) if rng.random() < 0.1 else seed.suffix
        filename = f"case-{number:05d}-{seed.name}{suffix}{SUFFIX.get(codec, '')}"
        yield Case(number, f"{seed.name}{seed.suffix}", mutation, codec, damaged, filename, packed)


def _own_record_ids(seed: Seed, number: int) -> bytes:
    """The seed with its WARC-Record-IDs made unique to this case: ids must be unique in a
    run, and copies of one archive would otherwise only exercise the duplicate-id check."""
    if seed.suffix not in (".warc", ".wet", ".wat"):
        return seed.data
    return seed.data.replace(b"WARC-Record-ID: <urn:uuid:", b"WARC-Record-ID: <urn:uuid:%05d-" % number)  # headers only


def compress(data: bytes, codec: str | None, suffix: str) -> bytes:
    if codec is None:
        return data
    if codec == "gzip":
        if suffix in (".warc", ".wet", ".wat", ".arc"):  # one member per record, as crawlers write them
            return b"".join(gzip.compress(part, 6) for part in _records(data))
        return gzip.compress(data, 6)
    if codec == "bz2":
        return bz2.compress(data, 9)
    if codec == "xz":
        return lzma.compress(data)
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as stream:
        stream.write(data)
    return sink.getvalue().to_pybytes()


def _records(data: bytes) -> list[bytes]:
    """The records of a WARC (or ARC) file, each with its trailing blank lines."""
    if data.startswith(b"WARC/"):
        starts = [0] + [at + 4 for at in _find_all(data, b"\r\n\r\nWARC/")]
    else:
        starts = [0] + [m.end() for m in _ARC_RECORD.finditer(data)]
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)]) if a < b]


_ARC_RECORD = re.compile(rb"\n\n(?=(?:https?|dns|filedesc)://)")


def _find_all(data: bytes, needle: bytes) -> Iterator[int]:
    at = data.find(needle)
    while at >= 0:
        yield at
        at = data.find(needle, at + 1)


def mutate(data: bytes, mutation: str, rng: random.Random, seeds: list[Seed]) -> bytes:
    """`data` damaged one way (see the module docstring)."""
    if not data or mutation == "none":
        return data
    buf = bytearray(data)
    if mutation == "bit_flips":
        for _ in range(rng.randint(1, 16)):
            at = rng.randrange(len(buf))
            buf[at] ^= 1 << rng.randrange(8)
    elif mutation == "random_bytes":
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(buf))
            buf[at:at + rng.randint(1, 16)] = rng.randbytes(rng.randint(1, 16))
    elif mutation == "truncate":
        del buf[rng.randrange(len(buf)):]
    elif mutation == "splice":
        other = rng.choice(seeds).data
        buf = buf[: rng.randrange(len(buf) + 1)] + other[rng.randrange(len(other) + 1):]
    elif mutation == "delete_chunk":
        at = rng.randrange(len(buf))
        del buf[at:at + rng.randint(1, max(1, len(buf) // 4))]
    elif mutation == "repeat_chunk":
        at = rng.randrange(len(buf))
        chunk = buf[at:at + rng.randint(1, 256)]
        buf[at:at] = chunk * rng.randint(2, 200)
    elif mutation == "repeat_run":
        at = rng.randrange(len(buf) + 1)
        run = rng.choice(RUNS)
        buf[at:at] = run * (rng.randint(1_000, 100_000) // len(run))
    return bytes(buf)


# --- running -----------------------------------------------------------------------------------


def fuzz_config() -> Config:
    """The default stages (no `stages:`: whatever the default list is); no share of errors
    fails a run (damaged input is the point); positional ids (many cases come from one
    seed: their own ids would all collide)."""
    return parse_config({"readers": {"max_errors": 1.0, "id_field": None}}, "fuzz")


def run_batches(cases: Iterable[Case], workdir: Path, batch_size: int, config: Config | None = None) -> Iterator[BatchReport]:
    """Run `cases` through the pipeline `batch_size` at a time; one report per batch."""
    config = config or fuzz_config()
    batch: list[Case] = []
    for case in cases:
        batch.append(case)
        if len(batch) == batch_size:
            yield run_batch(batch, workdir, config)
            batch = []
    if batch:
        yield run_batch(batch, workdir, config)


def run_batch(cases: list[Case], workdir: Path, config: Config) -> BatchReport:
    folder = workdir / f"in-{cases[0].number:05d}"
    out = workdir / f"out-{cases[0].number:05d}"
    folder.mkdir(parents=True)
    for case in cases:
        (folder / case.filename).write_bytes(case.data)
    report = BatchReport(cases, 0.0)
    expected = expected_records(folder, cases, config, report.problems)
    started = time.perf_counter()
    try:
        summary = run_pipeline(config, RunOptions(input=folder, output=out, workers=1))
    except Exception as exc:  # the one thing a fuzzed input must never do
        report.problems.append(f"run_pipeline raised {type(exc).__name__}: {exc}")
        return report
    finally:
        report.seconds = time.perf_counter() - started
        shutil.rmtree(folder)
    report.problems.extend(check_output(out, expected, summary.records))
    report.records.update(_counts(out))
    report.by_file = _by_file(out)
    shutil.rmtree(out)
    return report


def expected_records(folder: Path, cases: list[Case], config: Config, problems: list[str]) -> Counter:
    """(source, record) of every record the readers find in the batch's files, read
    independently of the run; a file with no record at all must at least say why."""
    expected: Counter = Counter()
    for case in cases:
        path = folder / case.filename
        try:
            items = list(read_file(InputFile(path, case.filename, path.stat().st_size), config.readers))
        except Exception as exc:  # readers must never raise
            problems.append(f"{case.filename}: reading raised {type(exc).__name__}: {exc}")
            continue
        records = [item for item in items if not isinstance(item, FileNote)]
        if not items:
            problems.append(f"{case.filename}: the reader yields nothing, not even a note")
        expected.update((case.filename, item.record) for item in records)
    return expected


def check_output(out: Path, expected: Counter, records_read: int) -> list[str]:
    """What is wrong with the output of a batch (nothing, when it passes)."""
    problems = []
    stats = json.loads((out / "stats.json").read_text())["records"]
    counts = _counts(out)
    if stats["read"] != records_read or counts["read"] != counts["kept"] + counts["removed"] + counts["errors"]:
        problems.append(f"records do not add up: stats {stats}, outputs {dict(counts)}")
    found: Counter = Counter()
    for name in ("data", "removed.parquet", "errors.parquet"):
        table = _table(out, name)
        found.update(zip(table.column("source").to_pylist(), table.column("record").to_pylist()))
    if found != expected:
        problems.append(f"records missing {list((expected - found).items())[:3]}, extra {list((found - expected).items())[:3]}")
    for row in _table(out, "errors.parquet").to_pylist():
        if "internal error" in row["error"]:
            problems.append(f"{row['source']} record {row['record']}: {row['error']}")
    return problems


def _by_file(out: Path) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for name, outcome in (("data", "kept"), ("removed.parquet", "removed"), ("errors.parquet", "errors")):
        for source in _table(out, name).column("source").to_pylist():
            found.setdefault(source, Counter())[outcome] += 1
    return found


def _counts(out: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["kept"] = _table(out, "data").num_rows
    counts["removed"] = _table(out, "removed.parquet").num_rows
    counts["errors"] = _table(out, "errors.parquet").num_rows
    counts["read"] = json.loads((out / "stats.json").read_text())["records"]["read"]
    return counts


def _table(out: Path, name: str) -> pa.Table:
    return pq.read_table(out / name if name != "data" else out / "data")
