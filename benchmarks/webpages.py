"""Real web pages through cleaner and through datatrove's equivalent pipeline, side by side.

    python benchmarks/webpages.py                       # everything, best of 1
    python benchmarks/webpages.py --repeat 3            # best of 3, the tools taking turns
    python benchmarks/webpages.py --only html --limit 40    # a quick look (html|text|extract)

**Inputs**, built once into `.bench/webpages/<all|limit-N>/` (git-ignored; rebuilt when the
flattener, this builder or the data change): every HTML page of ../shared/data, 2,668 pages
(591 MB of HTML) when all are there: WCXB dev (`wcxb-dev.tar.xz`, unpacked once into
`.bench/wcxb/`, shared with the other page benchmarks), trafilatura-eval (`html/*.gz`) and
ScrapingHub AEB (`html/*.html.gz`), dealt in turn from the three sets (so `--limit N` has
some of each), with the URLs their gold files give. The same pages three ways:

- `warc`: ONE `pages.warc.gz`, a `warcinfo` record then one WARC/1.0 `response` record per
  page, each gzipped on its own (as Common Crawl's), with `WARC-Target-URI`,
  `WARC-Identified-Payload-Type: text/html`, block and payload digests, and an HTTP/1.1 200
  header block whose `Content-Type` is `text/html`, plus `; charset=X` where the page
  declares X in a `<meta>` in its first 64 KB; the page bytes as they are. datatrove gives
  each task whole files, so it reads the same records split into 2 WARC shards (halves by
  bytes) to have 2 tasks; cleaner reads the one file.
- `html`: one loose `.html` file per page, the same bytes (no URL: a loose file has none).
- `text`: the pages flattened to plain text (`pages.flatten.blocks`: every visible block on
  its own line, script/style/hidden dropped, nothing else removed; decoded as cleaner's
  reader decodes them) as ONE JSONL of `id`, `text`, `url` for cleaner and the same lines in
  2 JSONL shards for datatrove.

**Tools**, each a measured subprocess (`measure.py`: wall time from start to exit, imports
included; peak RSS summed over the process tree, sampled every 50 ms), with this
interpreter, one after another, 2 workers:

- `cleaner`: `python -m cleaner run -i INPUT -o OUT -w 2 -q -c config.yaml` (the repo's
  config: the default pipeline html, encoding, boilerplate, templates, quality, dedup,
  passages).
- `datatrove`: `peers/datatrove_webpages.py`: its `WarcReader` (WARC shards), a small
  `BaseDiskReader` subclass of ours (loose HTML files: datatrove has none) or its
  `JsonlReader` (text shards) -> `Trafilatura` (HTML inputs only; its defaults: favour
  precision, 1 s timeout per page) -> `C4QualityFilter` -> `GopherRepetitionFilter` ->
  `GopherQualityFilter` -> `FineWebQualityFilter` -> its four-step MinHash
  (`datatrove_common.minhash_steps`, 5-grams, 9 x 13) -> `ParquetWriter`, with
  `LocalPipelineExecutor`, tasks = 2 shards, 2 workers, a whitespace word tokenizer.
- `trafilatura.extract`: one process reads every loose `.html` file and calls
  `trafilatura.extract(bytes, include_comments=False, include_tables=True,
  with_metadata=True)` (what the html stage asks of it: main text without comments, tables
  kept, metadata with the extensive date search, no trafilatura dedup), beside
  `cleaner html stage`: `clean run -w 1` on the same files with `stages: [html]`. Their CPU
  seconds per page give the html stage's overhead (reading, decoding, its own text layout,
  Parquet output, start-up).

CPU s is the process tree's user + system time: the larger of what the kernel reports for
the children this script waited for (`RUSAGE_CHILDREN`, which includes every descendant
reaped along the way) and the sum over every process of the tree of its own time as last
sampled from /proc (which also counts workers re-parented away from the tree, e.g. a
forkserver's). `clean run` start-up alone is `startup.py`'s business, not repeated here.

**Table** (Markdown): pages read, documents kept, wall s, CPU s, CPU ms per page, pages/s and
MB/s (input MB: the pages' HTML bytes, or the flattened text's UTF-8 bytes, / wall s), peak
RSS MB and peak PSS MB, ratio (datatrove wall / cleaner wall on the cleaner row; html stage
CPU / trafilatura CPU on the html stage row), target and PASS/FAIL. Targets: the default pipeline
>= 1.5x datatrove's throughput on HTML (WARC and files), >= 2x on plain text, peak RSS of
cleaner's tree < 1 GB; the html stage <= 1.1x trafilatura's CPU. With `--repeat N` each
number is the best of N (least wall s; least CPU s for the extraction rows), peak RSS the
largest. Above the table: the machine (CPUs, model, load average before and after); below
it, per input, which pages one tool kept and the other did not, cleaner's error rows and
removals by stage, and datatrove's drops by step. Every run's output, stdout and stderr
stay in `.bench/runs/webpages/` until that run's next turn.

datatrove's `WarcReader` needs `warcio`, `faust-cchardet` and `python-magic` (libmagic),
and our HTML reader `faust-cchardet`; without them its rows for those inputs are skipped.
datatrove 0.10.1's MinHash hashes `str` shingles, which xxhash >= 4 refuses: the adapter
then hands xxhash their UTF-8 bytes (as xxhash 3 did itself). Exit status 1 when a target
fails.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import resource
import shutil
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Measurement, _read_stat, measure, stat_fields, tree_pids  # noqa: E402
from peers.harness import BENCH, REPO, fresh, peer_env  # noqa: E402

DATA = REPO.parent / "shared" / "data"
WORK = BENCH / "webpages"
RUNS = BENCH / "runs" / "webpages"
CONFIG = REPO / "config.yaml"
#: Bump when the inputs this script writes change in a way the cache key cannot see.
BUILD_VERSION = 1

TARGET_HTML = 1.5
TARGET_TEXT = 2.0
TARGET_RSS_MB = 1024.0
TARGET_HTML_STAGE = 1.1
_MB = 1e6

#: The extraction options the html stage uses, for the bare trafilatura run.
TRAFILATURA_OPTIONS = {"include_comments": False, "include_tables": True, "with_metadata": True, "deduplicate": False}


# --- inputs -------------------------------------------------------------------------------


@dataclass
class Page:
    id: str  # wcxb/0001, aeb/<hash>, eval/<name>
    dataset: str
    url: str
    name: str  # loose file stem
    data: bytes = field(repr=False)


@dataclass
class Inputs:
    folder: Path
    pages: int
    html_bytes: int
    text_bytes: int
    manifest: list[dict]
    _page_of: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def warc(self) -> Path:
        return self.folder / "warc" / "pages.warc.gz"

    @property
    def warc_shards(self) -> Path:
        return self.folder / "warc-shards"

    @property
    def html(self) -> Path:
        return self.folder / "html"

    @property
    def text(self) -> Path:
        return self.folder / "text" / "pages.jsonl"

    @property
    def text_shards(self) -> Path:
        return self.folder / "text-shards"

    def page_of(self) -> dict[str, str]:
        """Every id a tool may give a page (page id, WARC record id, file stem) -> page id."""
        if self._page_of:
            return self._page_of
        out = self._page_of
        for entry in self.manifest:
            out[entry["id"]] = entry["id"]
            out[entry["record_id"]] = entry["id"]
            out[entry["record_id"].strip("<>")] = entry["id"]
            out[entry["name"]] = entry["id"]
            out[entry["name"] + ".html"] = entry["id"]
        return out


def _sources() -> list[list[Path]]:
    """The page files of each set present, in a fixed order."""
    from pages import corpus

    sets = []
    if corpus.WCXB_TAR.is_file() or (corpus.WCXB_DIR / "metadata.json").is_file():
        root = corpus._unpack_wcxb()
        sets.append(sorted((root / "dev" / "html").glob("*.html*")))
    for folder, pattern in ((corpus.EVAL_DIR / "html", "*.gz"), (corpus.AEB_DIR / "html", "*.html.gz")):
        if folder.is_dir():
            sets.append(sorted(folder.glob(pattern)))
    return [s for s in sets if s]


def _urls() -> dict[Path, str]:
    """File -> URL, from the gold files of each set."""
    from pages import corpus

    urls: dict[Path, str] = {}
    gt = corpus.WCXB_DIR / "dev" / "ground-truth"
    for path in sorted(gt.glob("*.json")) if gt.is_dir() else []:
        url = json.loads(path.read_text(encoding="utf-8")).get("url") or ""
        for suffix in (".html", ".html.gz"):
            urls[corpus.WCXB_DIR / "dev" / "html" / f"{path.stem}{suffix}"] = url
    if (corpus.AEB_DIR / "ground-truth.json").is_file():
        for key, entry in json.loads((corpus.AEB_DIR / "ground-truth.json").read_text(encoding="utf-8")).items():
            urls[corpus.AEB_DIR / "html" / f"{key}.html.gz"] = entry.get("url") or ""
    if (corpus.EVAL_DIR / "evaldata.json").is_file():
        for url, entry in json.loads((corpus.EVAL_DIR / "evaldata.json").read_text(encoding="utf-8")).items():
            urls[corpus.EVAL_DIR / "html" / f"{entry['file']}.gz"] = url
    return urls


def _dataset_of(path: Path) -> str:
    from pages import corpus

    if path.is_relative_to(corpus.WCXB_DIR):
        return "wcxb"
    return "aeb" if path.is_relative_to(corpus.AEB_DIR) else "eval"


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".html"):
        name = name.removesuffix(suffix)
    return name


def select_files(limit: int | None) -> list[Path]:
    """The page files, dealt in turn from each set; the first `limit` of them."""
    sets = _sources()
    order: list[Path] = []
    for i in range(max((len(s) for s in sets), default=0)):
        order += [s[i] for s in sets if i < len(s)]
    return order[:limit] if limit else order


def load_pages(files: list[Path]) -> list[Page]:
    urls = _urls()
    pages, names = [], set()
    for path in files:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        dataset = _dataset_of(path)
        stem = _stem(path)
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{dataset}-{stem}")
        while name in names:
            name += "_"
        names.add(name)
        url = (urls.get(path) or "").strip().replace(" ", "%20") or f"http://pages.invalid/{name}"
        pages.append(Page(f"{dataset}/{stem}", dataset, url, name, data))
    return pages


_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> of its first 64 KB, as written."""
    found = _META_CHARSET.search(data[:65536])
    return found.group(1).decode("ascii") if found else None


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def record_id(page_id: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'webpages/' + page_id)}>"


def _warc_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode("utf-8") + block + b"\r\n\r\n", compresslevel=6, mtime=0)


WARC_DATE = "2024-01-01T00:00:00Z"


def warcinfo() -> bytes:
    body = b"software: cleaner benchmarks/webpages.py\r\nformat: WARC File Format 1.0\r\n"
    return _warc_record([("WARC-Type", "warcinfo"), ("WARC-Date", WARC_DATE), ("WARC-Filename", "pages.warc.gz"),
                         ("WARC-Record-ID", record_id("warcinfo")), ("Content-Type", "application/warc-fields")], body)


def response_record(page: Page) -> bytes:
    charset = declared_charset(page.data)
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(page.data)}\r\n"
            "Connection: close\r\n\r\n").encode("ascii") + page.data
    return _warc_record([
        ("WARC-Type", "response"),
        ("WARC-Date", WARC_DATE),
        ("WARC-Record-ID", record_id(page.id)),
        ("WARC-Target-URI", page.url),
        ("WARC-Payload-Digest", _digest(page.data)),
        ("WARC-Block-Digest", _digest(http)),
        ("WARC-Identified-Payload-Type", "text/html"),
        ("Content-Type", "application/http; msgtype=response"),
    ], http)


def _flatten(data: bytes) -> str:
    from pages import corpus, flatten

    return flatten.blocks(corpus.decode_html(data))


def _halves(sizes: list[int]) -> int:
    """Index splitting `sizes` into two runs of about equal sum."""
    total, run = sum(sizes), 0
    for i, size in enumerate(sizes):
        run += size
        if run * 2 >= total:
            return i + 1
    return len(sizes)


def _cache_key(files: list[Path]) -> str:
    from pages import corpus, flatten

    digest = hashlib.sha1(f"{BUILD_VERSION}".encode())
    for module in (flatten, corpus):
        digest.update(Path(module.__file__).read_bytes())
    for path in files:
        digest.update(f"{path.name}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:12]


def build_inputs(limit: int | None) -> Inputs:
    """The three inputs (and datatrove's shards), built once and cached."""
    folder = WORK / (f"limit-{limit}" if limit else "all")
    files = select_files(limit)
    key = _cache_key(files)
    marker = folder / ".done.json"
    if marker.is_file():
        done = json.loads(marker.read_text())
        if done.get("key") == key:
            return Inputs(folder, done["pages"], done["html_bytes"], done["text_bytes"], done["manifest"])
    print(f"building the inputs in {folder} (once) ...", flush=True)
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    for sub in ("warc", "warc-shards", "html", "text", "text-shards"):
        (folder / sub).mkdir(parents=True)
    pages = load_pages(files)
    cut = _halves([len(p.data) for p in pages])
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        texts = pool.map(_flatten, [p.data for p in pages], chunksize=8)
    info = warcinfo()
    warc = (folder / "warc" / "pages.warc.gz").open("wb")
    shards = [(folder / "warc-shards" / f"part-{s:04d}.warc.gz").open("wb") for s in range(2)]
    text = (folder / "text" / "pages.jsonl").open("w", encoding="utf-8")
    text_shards = [(folder / "text-shards" / f"part-{s:04d}.jsonl").open("w", encoding="utf-8") for s in range(2)]
    warc.write(info)
    for shard in shards:
        shard.write(info)
    manifest, text_bytes = [], 0
    for i, (page, flat) in enumerate(zip(pages, texts)):
        record = response_record(page)
        warc.write(record)
        shards[i >= cut].write(record)
        (folder / "html" / f"{page.name}.html").write_bytes(page.data)
        line = json.dumps({"id": page.id, "text": flat, "url": page.url}, ensure_ascii=False) + "\n"
        text.write(line)
        text_shards[i >= cut].write(line)
        text_bytes += len(flat.encode("utf-8"))
        manifest.append({"id": page.id, "record_id": record_id(page.id), "name": page.name, "url": page.url,
                         "bytes": len(page.data), "charset": declared_charset(page.data)})
    for handle in (warc, *shards, text, *text_shards):
        handle.close()
    html_bytes = sum(len(p.data) for p in pages)
    marker.write_text(json.dumps({"key": key, "pages": len(pages), "html_bytes": html_bytes, "text_bytes": text_bytes,
                                  "manifest": manifest}))
    print(f"  {len(pages)} pages, {html_bytes / _MB:.0f} MB of HTML, {text_bytes / _MB:.0f} MB of text, "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    return Inputs(folder, len(pages), html_bytes, text_bytes, manifest)


# --- measuring ----------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _own_ticks(pid: int) -> tuple[int, int] | None:
    """(start time, utime + stime) of `pid` in clock ticks, or None if it vanished."""
    fields = stat_fields(pid)
    return None if fields is None else (int(fields[19]), int(fields[11]) + int(fields[12]))


class _TreeCpu(threading.Thread):
    """Samples every process of the measured command's tree (the child of this process that
    leads its own session, as `measure` starts it) and keeps each one's own CPU time as
    last seen, keyed by (pid, start time) so a reused pid is not confused."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.seen: dict[tuple[int, int], int] = {}
        self.stopped = threading.Event()
        self.root: int | None = None

    def _find_root(self) -> int | None:
        me = os.getpid()
        for name in os.listdir("/proc"):
            if name.isdigit():
                stat = _read_stat(int(name))
                if stat is not None and stat[0] == me and stat[1] == int(name):
                    return int(name)
        return None

    def run(self) -> None:
        while not self.stopped.is_set():
            self.root = self.root or self._find_root()
            if self.root is not None:
                for pid in tree_pids(self.root):
                    ticks = _own_ticks(pid)
                    if ticks is not None:
                        self.seen[(pid, ticks[0])] = ticks[1]
            self.stopped.wait(self.interval)

    @property
    def cpu_s(self) -> float:
        return sum(self.seen.values()) / _TICK


@dataclass
class Run:
    """One measured run of one tool."""

    measurement: Measurement
    cpu_s: float
    run_dir: Path
    cpu_note: str = ""
    kept: set[str] | None = None  # page ids
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.measurement.ok


def measured(cmd: list[str], run_dir: Path, timeout: float) -> tuple[Measurement, float, str]:
    """`measure` the command, with the CPU seconds of its tree (and how each way counted them)."""
    watch = _TreeCpu()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    watch.start()
    m = measure(cmd, timeout=timeout, cwd=REPO, env=peer_env(), stdout=run_dir / "stdout.txt", stderr=run_dir / "stderr.txt")
    watch.stopped.set()
    watch.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return m, max(reaped, watch.cpu_s), f"reaped {reaped:.1f} s, sampled {watch.cpu_s:.1f} s"


def run_cleaner(source: Path, run_dir: Path, workers: int, timeout: float, inputs: Inputs, config: Path | None) -> Run:
    fresh(run_dir)
    output = run_dir / "output"
    cmd = [sys.executable, "-m", "cleaner", "run", "-i", str(source), "-o", str(output), "-w", str(workers), "-q"]
    if config is not None:
        cmd += ["-c", str(config)]
    m, cpu, note = measured(cmd, run_dir, timeout)
    run = Run(m, cpu, run_dir, note)
    if m.ok:
        run.kept, run.extra = cleaner_outcome(output, inputs)
    return run


def cleaner_outcome(output: Path, inputs: Inputs) -> tuple[set[str], dict]:
    import pyarrow.parquet as pq

    page_of = inputs.page_of()
    kept: set[str] = set()
    for path in sorted((output / "data").glob("*.parquet")):
        kept.update(page_of.get(str(i), str(i)) for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())
    removed: Counter[str] = Counter()
    by_page: dict[str, str] = {}
    if (output / "removed.parquet").is_file():
        table = pq.read_table(output / "removed.parquet")
        cols = table.column_names
        for row in table.select([c for c in ("id", "stage", "reason") if c in cols]).to_pylist():
            why = f"{row.get('stage')}:{row.get('reason')}"
            removed[why] += 1
            by_page[page_of.get(str(row.get("id")), str(row.get("id")))] = why
    errors: Counter[str] = Counter()
    error_pages: dict[str, str] = {}
    if (output / "errors.parquet").is_file():
        table = pq.read_table(output / "errors.parquet")
        for row in table.to_pylist():
            message = f"{row.get('stage') or '?'}: {row.get('error') or '?'}"
            errors[_short(message)] += 1
            error_pages[_error_page(row.get("source"), row.get("record"), inputs)] = _short(message)
    return kept, {"removed": dict(removed), "removed_pages": by_page, "errors": dict(errors), "error_pages": error_pages}


def _error_page(source: object, record: object, inputs: Inputs) -> str:
    """The page of an errors.parquet row (it has no id: a source path and record index; a
    WARC's records count its warcinfo record first, a JSONL's lines from 0)."""
    name = os.path.basename(str(source))
    if name.endswith(".html"):
        return inputs.page_of().get(name[: -len(".html")], name)
    index = record - 1 if name.endswith(".warc.gz") and isinstance(record, int) else record
    if isinstance(index, int) and 0 <= index < len(inputs.manifest):
        return inputs.manifest[index]["id"]
    return f"{name}:{record}"


def _short(message: str, width: int = 70) -> str:
    message = re.sub(r"\s+", " ", message).strip()
    return message if len(message) <= width else message[: width - 1] + "…"


def run_datatrove(kind: str, source: Path, run_dir: Path, workers: int, timeout: float, inputs: Inputs) -> Run:
    fresh(run_dir)
    out = run_dir / "kept.txt"
    cmd = [sys.executable, "-m", "peers.datatrove_webpages", "--kind", kind, "--input", str(source),
           "--workdir", str(run_dir / "work"), "--out", str(out), "--workers", str(workers)]  # fmt: skip
    m, cpu, note = measured(cmd, run_dir, timeout)
    run = Run(m, cpu, run_dir, note)
    if m.ok:
        page_of = inputs.page_of()
        run.kept = {page_of.get(line, line) for line in out.read_text().splitlines() if line}
        run.extra = json.loads(out.with_suffix(".json").read_text())
    return run


def run_bare_trafilatura(run_dir: Path, timeout: float, inputs: Inputs) -> Run:
    fresh(run_dir)
    out = run_dir / "result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--bare-trafilatura", str(inputs.html), "--bare-out", str(out)]
    m, cpu, note = measured(cmd, run_dir, timeout)
    run = Run(m, cpu, run_dir, note)
    if m.ok:
        result = json.loads(out.read_text())
        page_of = inputs.page_of()
        run.kept = {page_of.get(n, n) for n in result["extracted"]}
        run.extra = {"failed": result["failed"]}
    return run


def bare_trafilatura(folder: Path, out: Path) -> int:
    """The bare extraction run (in its own measured process): every .html file in name order."""
    import trafilatura

    extracted, failed = [], {}
    for path in sorted(folder.glob("*.html")):
        try:
            text = trafilatura.extract(path.read_bytes(), **TRAFILATURA_OPTIONS)
        except Exception as exc:  # noqa: BLE001 - a crash is a page without text, noted
            failed[path.stem] = _short(f"{type(exc).__name__}: {exc}")
            continue
        if text:
            extracted.append(path.stem)
    out.write_text(json.dumps({"extracted": extracted, "failed": failed}))
    return 0


# --- the runs -----------------------------------------------------------------------------


@dataclass
class Best:
    """The repeats of one tool on one input."""

    input: str
    tool: str
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs)

    def best(self, by: str = "wall") -> Run:
        key = (lambda r: r.measurement.wall_s) if by == "wall" else (lambda r: r.cpu_s)
        return min(self.runs, key=key)

    @property
    def error(self) -> str:
        bad = next((r for r in self.runs if not r.ok), None)
        return bad.measurement.error_tail(1).strip()[-160:] if bad else ""


def _datatrove_missing(kind: str) -> str | None:
    import importlib.util

    needs = {"warc": ["datatrove", "warcio", "cchardet", "magic"], "html": ["datatrove", "cchardet"], "text": ["datatrove"]}[kind]
    missing = [name for name in needs if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return "not installed: " + ", ".join({"cchardet": "faust-cchardet", "magic": "python-magic"}.get(n, n) for n in missing)


def plan(only: str | None, inputs: Inputs, config: Path | None, workers: int, timeout: float) -> list[tuple[Best, object]]:
    """(record, zero-argument runner) for every row, in the order they run."""
    jobs: list[tuple[Best, object]] = []

    def pipeline(label: str, kind: str, ours_src: Path, theirs_src: Path) -> None:
        jobs.append((Best(label, "cleaner"), lambda: run_cleaner(ours_src, RUNS / f"{kind}-cleaner", workers, timeout, inputs, config)))
        record = Best(label, "datatrove")
        record.skipped = _datatrove_missing(kind)
        jobs.append((record, lambda: run_datatrove(kind, theirs_src, RUNS / f"{kind}-datatrove", workers, timeout, inputs)))

    if only in (None, "html"):
        pipeline("WARC", "warc", inputs.warc, inputs.warc_shards)
        pipeline("HTML files", "html", inputs.html, inputs.html)
    if only in (None, "text"):
        pipeline("plain text", "text", inputs.text, inputs.text_shards)
    if only in (None, "extract"):
        stage_config = RUNS / "html-stage.yaml"
        jobs.append((Best("HTML files, 1 process", "trafilatura.extract"), lambda: run_bare_trafilatura(RUNS / "trafilatura", timeout, inputs)))

        def html_stage() -> Run:
            RUNS.mkdir(parents=True, exist_ok=True)
            stage_config.write_text("stages: [html]\n")
            return run_cleaner(inputs.html, RUNS / "html-stage", 1, timeout, inputs, stage_config)

        jobs.append((Best("HTML files, 1 process", "cleaner html stage (-w 1)"), html_stage))
    return jobs


# --- report -------------------------------------------------------------------------------


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{os.cpu_count()} CPUs ({usable} usable), {model}"


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("cleaner", "datatrove", "trafilatura"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} absent")
    return ", ".join(out)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def rows(records: list[Best], inputs: Inputs) -> tuple[list[list[str]], bool]:
    """Table rows, and whether every target with a verdict passed."""
    by = {(r.input, r.tool): r for r in records}
    out, all_ok = [], True
    for record in records:
        mb = (inputs.text_bytes if record.input == "plain text" else inputs.html_bytes) / _MB
        if record.skipped or not record.ok:
            why = record.skipped or f"error: {record.error}"
            out.append([record.input, record.tool, str(inputs.pages), *["-"] * 10, why])
            if not record.skipped:
                all_ok = False
            continue
        extraction = record.input.endswith("1 process")
        run = record.best("cpu" if extraction else "wall")
        wall, cpu = run.measurement.wall_s, run.cpu_s
        rss = max(r.measurement.peak_rss_mb for r in record.runs)
        pss = max(r.measurement.peak_pss_mb for r in record.runs)
        ratio = target = verdict = "-"
        if record.tool == "cleaner":
            peer = by.get((record.input, "datatrove"))
            goal = TARGET_TEXT if record.input == "plain text" else TARGET_HTML
            target = f"≥ {goal:g}x, RSS < {TARGET_RSS_MB:.0f} MB"
            fails = []
            if peer is not None and peer.ok and not peer.skipped:
                speedup = peer.best("wall").measurement.wall_s / wall
                ratio = f"{speedup:.2f}x"
                if speedup < goal:
                    fails.append("speed")
            else:
                target = f"RSS < {TARGET_RSS_MB:.0f} MB (no datatrove run)"
            if rss >= TARGET_RSS_MB:
                fails.append("RSS")
            verdict = "FAIL (" + ", ".join(fails) + ")" if fails else "PASS"
            all_ok &= not fails
        elif record.tool.startswith("cleaner html stage"):
            bare = by.get((record.input, "trafilatura.extract"))
            target = f"≤ {TARGET_HTML_STAGE:g}x CPU"
            if bare is not None and bare.ok:
                overhead = cpu / bare.best("cpu").cpu_s
                ratio = f"{overhead:.2f}x"
                verdict = "PASS" if overhead <= TARGET_HTML_STAGE else "FAIL"
                all_ok &= overhead <= TARGET_HTML_STAGE
        kept = len(run.kept) if run.kept is not None else None
        out.append([
            record.input, record.tool, str(inputs.pages), "-" if kept is None else str(kept),
            _fmt(wall), _fmt(cpu), _fmt(cpu * 1000 / max(inputs.pages, 1), 0), _fmt(inputs.pages / wall),
            _fmt(mb / wall, 2), _fmt(rss, 0), _fmt(pss, 0), ratio, target, verdict,
        ])  # fmt: skip
    return out, all_ok


HEADERS = ["input", "tool", "pages", "kept", "wall s", "CPU s", "CPU ms/page", "pages/s", "MB/s", "peak RSS MB",
           "peak PSS MB", "ratio", "target", "result"]
LEGEND = """
ratio: on a cleaner row, datatrove's wall s / cleaner's (cleaner's throughput as a multiple of datatrove's); on
the html stage row, its CPU s / bare trafilatura's. WARC: cleaner reads the one file, datatrove the same records
in 2 shards. MB/s: input MB (the HTML, or the flattened text) / wall s. Peak PSS: shared pages divided among the
processes sharing them (see measure.py); the RSS target is on RSS."""


def markdown(headers: list[str], body: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)])


def differences(records: list[Best], inputs: Inputs, examples: int = 5) -> list[str]:
    """What one tool kept that the other did not, and why, per input."""
    lines = []
    by = {(r.input, r.tool): r for r in records}
    for label in ("WARC", "HTML files", "plain text", "HTML files, 1 process"):
        tools = [r for (i, _), r in by.items() if i == label and r.ok and not r.skipped]
        if not tools:
            continue
        lines.append(f"\n**{label}**")
        for record in tools:
            run = record.runs[-1]
            extra = run.extra
            if record.tool.startswith("cleaner"):
                removed = ", ".join(f"{k} {v}" for k, v in sorted(extra.get("removed", {}).items(), key=lambda kv: -kv[1]))
                errors = ", ".join(f"{v}x {k}" for k, v in extra.get("errors", {}).items())
                lines.append(f"- {record.tool}: kept {len(run.kept or ())}; removed: {removed or 'none'}; "
                             f"error rows: {errors or 'none'}")
            elif record.tool == "datatrove":
                steps = []
                for step, stats in extra.get("stats", {}).items():
                    interesting = {k: int(v) for k, v in stats.items()
                                   if (k.startswith("dropped") or k in ("documents", "timeout", "clean_error", "broken_process",
                                                                       "undecodable")) and v}
                    if interesting:
                        name = re.sub(r"[^\w ]+", "", step.rsplit(":", 1)[-1]).strip()
                        steps.append(f"{name}: " + ", ".join(f"{k} {v}" for k, v in interesting.items()))
                lines.append(f"- datatrove: kept {len(run.kept or ())}; first pass: " + "; ".join(steps))
            else:
                failed = extra.get("failed", {})
                lines.append(f"- {record.tool}: text from {len(run.kept or ())} pages; raised on {len(failed)}"
                             + (f" ({', '.join(list(failed.values())[:3])})" if failed else ""))
        pair = [r for r in tools if r.tool in ("cleaner", "datatrove")]
        if len(pair) == 2:
            ours, theirs = pair[0].runs[-1], pair[1].runs[-1]
            only_ours = sorted((ours.kept or set()) - (theirs.kept or set()))
            only_theirs = sorted((theirs.kept or set()) - (ours.kept or set()))
            both = len((ours.kept or set()) & (theirs.kept or set()))
            lines.append(f"- kept by both {both}, by cleaner only {len(only_ours)}, by datatrove only {len(only_theirs)}")
            if only_theirs:
                why = Counter(ours.extra.get("removed_pages", {}).get(p) or ours.extra.get("error_pages", {}).get(p) or "not in output"
                              for p in only_theirs)
                lines.append("  - datatrove kept, cleaner did not: " + ", ".join(f"{k} {v}" for k, v in why.most_common()))
                lines.append("    e.g. " + ", ".join(only_theirs[:examples]))
            if only_ours:
                lines.append("  - cleaner kept, datatrove did not: e.g. " + ", ".join(only_ours[:examples]))
        stage = by.get((label, "cleaner html stage (-w 1)"))
        bare = by.get((label, "trafilatura.extract"))
        if stage and bare and stage.ok and bare.ok:
            a, b = stage.runs[-1].kept or set(), bare.runs[-1].kept or set()
            lines.append(f"- text from both {len(a & b)}, html stage only {len(a - b)}, trafilatura only {len(b - a)}"
                         + (f" (e.g. {', '.join(sorted(b - a)[:examples])})" if b - a else ""))
    return lines


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool, taking turns; the best is shown")
    parser.add_argument("--only", choices=("html", "text", "extract"), help="html: WARC and files; text: flattened; "
                        "extract: trafilatura vs the html stage")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (a quick smoke run)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run before it is killed")
    parser.add_argument("--config", type=Path, default=CONFIG, help="cleaner's config [default: the repo's config.yaml]")
    parser.add_argument("--bare-trafilatura", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bare-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_trafilatura:
        return bare_trafilatura(args.bare_trafilatura, args.bare_out)
    if not DATA.is_dir() or not _sources():
        print(f"skipped: {DATA} is absent (the shared data folder is not beside this checkout)")
        return 0
    inputs = build_inputs(args.limit)
    config = args.config if args.config.is_file() else None
    jobs = plan(args.only, inputs, config, args.workers, args.timeout)
    load_before = _load()
    print(f"{inputs.pages} pages: {inputs.html_bytes / _MB:.1f} MB of HTML, {inputs.text_bytes / _MB:.1f} MB flattened; "
          f"{args.workers} workers, best of {args.repeat}; config {config or 'built-in defaults'}", flush=True)
    for attempt in range(args.repeat):
        for record, runner in jobs:
            if record.skipped:
                continue
            run = runner()  # type: ignore[operator]
            record.runs.append(run)
            m = run.measurement
            status = (f"{m.wall_s:.1f} s wall, {run.cpu_s:.1f} s CPU ({run.cpu_note}), {m.peak_rss_mb:.0f} MB" if run.ok
                      else f"failed: {m.error_tail(1).strip()[-160:]}")
            print(f"  run {attempt + 1}/{args.repeat} {record.input} / {record.tool}: {status} "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    records = [record for record, _ in jobs]
    body, ok = rows(records, inputs)
    print()
    print(f"machine: {machine()}; load average (1/5/15 min) before {load_before}, after {_load()}")
    print(f"versions: {_versions()}; Python {sys.version.split()[0]}")
    print()
    print(markdown(HEADERS, body))
    print(LEGEND)
    print("\n".join(differences(records, inputs)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
