"""datatrove's equivalent of our default pipeline on web pages, for benchmarks/webpages.py.

    PYTHONPATH=benchmarks python -m peers.datatrove_webpages --kind warc|html|text \\
        --input FOLDER --workdir DIR --out kept.txt [--workers 2]

Built like datatrove's FineWeb example (`examples/fineweb.py`), all with
`LocalPipelineExecutor`, tasks = input shards (2), `--workers` workers:

1. a reader -> [`Trafilatura` extractor] -> `C4QualityFilter` -> `GopherRepetitionFilter` ->
   `GopherQualityFilter` -> `FineWebQualityFilter` -> `JsonlWriter` (uncompressed). The reader:
   - `warc`: its `WarcReader` over a folder of WARC shards (datatrove gives each task whole
     files, so the one WARC is split into 2 WARC shards to give it 2 tasks);
   - `html`: datatrove has no reader for loose HTML files, so `HtmlFileReader` below, a
     small `BaseDiskReader` subclass: one document per `.html` file, id = the file's stem,
     bytes decoded the way its `WarcReader` decodes a WARC payload (UTF-8, else the
     encoding `cchardet` detects, else the file is skipped); its files are dealt to the
     tasks by datatrove itself (every 2nd file);
   - `text`: its `JsonlReader` over 2 JSONL shards of the flattened pages, and no extractor.
2. - 5. its four MinHash steps (`datatrove_common.minhash_steps`: signatures, 9 bucket tasks,
   1 cluster task, then the filter) with `ParquetWriter` of the kept documents.

Every step keeps its defaults (`Trafilatura(favour_precision=True, timeout=1,
deduplicate=True)` as in the FineWeb example) except the word tokenizer: `SplitWordTokenizer`
instead of spaCy (see `datatrove_common`), and, with xxhash >= 4, a shim that hands
datatrove's MinHash the UTF-8 bytes of its shingles (`_xxhash_takes_str`). Writes the kept ids (one per line) and a `.json`
sidecar with the number of documents read and datatrove's merged stats of step 1 (extractor
timeouts and errors, what each filter dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from datatrove.pipeline.readers.base import BaseDiskReader

from peers.datatrove_common import SplitWordTokenizer

KINDS = ("warc", "html", "text")


def _xxhash_takes_str() -> None:
    """datatrove 0.10.1 hashes its shingles as `str` (`xxhash.xxh64_intdigest(" ".join(...))`),
    which xxhash >= 4 refuses ("Strings must be encoded before hashing"); xxhash 3 hashed a
    str as its UTF-8 bytes. Give it those bytes (same hashes, same cost as with xxhash 3)."""
    import xxhash

    try:
        xxhash.xxh64_intdigest("")
        return
    except TypeError:
        pass
    for name in ("xxh32_intdigest", "xxh64_intdigest"):
        original = getattr(xxhash, name)

        def encoded(data, seed=0, _original=original):
            return _original(data.encode("utf-8") if isinstance(data, str) else data, seed)

        setattr(xxhash, name, encoded)


_xxhash_takes_str()


class Tokenizer(SplitWordTokenizer):
    """`SplitWordTokenizer`, defined here so that a datatrove worker unpickling a step that
    holds it imports this module, and with it the xxhash shim above."""


class HtmlFileReader(BaseDiskReader):
    """One document per loose HTML file: id = the file name without `.html`, text = its
    bytes decoded as datatrove's WARC reader decodes a payload (UTF-8, else cchardet's
    guess; a file neither decodes is skipped)."""

    name = "📄 HTML files"

    def read_file(self, filepath: str):
        with self.data_folder.open(filepath, "rb") as f:
            with self.track_time():
                data = f.read()
                html = _decode(data)
                if html is None:
                    self.stat_update("undecodable")
                    return
                stem = os.path.basename(filepath)
                stem = stem[: -len(".html")] if stem.endswith(".html") else stem
                document = self.get_document_from_dict({"text": html, "id": stem}, filepath, 0)
        if document:
            yield document


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import cchardet

    encoding = cchardet.detect(data)["encoding"]
    if not encoding or encoding.lower() in ("utf-8", "utf8"):
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def reader(kind: str, folder: str):
    if kind == "warc":
        from datatrove.pipeline.readers import WarcReader

        return WarcReader(folder, glob_pattern="*.warc.gz")
    if kind == "html":
        return HtmlFileReader(folder, glob_pattern="*.html")
    from datatrove.pipeline.readers import JsonlReader

    return JsonlReader(folder, glob_pattern="*.jsonl", text_key="text", id_key="id")


def shards_of(kind: str, folder: Path) -> int:
    """Tasks: one per WARC or JSONL shard; 2 for loose files (datatrove deals them out)."""
    files = len(list(folder.glob({"warc": "*.warc.gz", "html": "*.html", "text": "*.jsonl"}[kind])))
    return min(2, files) if kind == "html" else files


def run(kind: str, corpus: Path, workdir: Path, workers: int) -> tuple[set[str], dict]:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

    from peers.datatrove_common import kept_ids, minhash_config, minhash_steps

    config = minhash_config()
    tokenizer = Tokenizer()
    tasks = shards_of(kind, corpus)
    filtered = str(workdir / "filtered")
    first = [reader(kind, str(corpus))]
    if kind != "text":
        first.append(Trafilatura())
    first += [
        C4QualityFilter(language=tokenizer),
        GopherRepetitionFilter(language=tokenizer),
        GopherQualityFilter(language=tokenizer),
        FineWebQualityFilter(language=tokenizer),
        JsonlWriter(filtered, compression=None),
    ]
    steps = [LocalPipelineExecutor(first, tasks=tasks, workers=workers, logging_dir=str(workdir / "logs/filter"))]
    steps += minhash_steps(lambda: JsonlReader(filtered), workdir, config, tokenizer, tasks, workers,
                           [ParquetWriter(str(workdir / "output"))])
    for step in steps:
        step.run()
    kept = kept_ids(workdir / "output")
    stats_path = workdir / "logs" / "filter" / "stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.is_file() else []
    return kept, {"tasks": tasks, "workers": workers, "stats": _stats_summary(stats)}


def _stats_summary(stats: list) -> dict[str, dict[str, float]]:
    """{step name: {stat: total}} from datatrove's merged stats.json of one executor."""
    out: dict[str, dict[str, float]] = {}
    for step in stats:
        values = {}
        for key, value in (step.get("stats") or {}).items():
            total = value.get("total") if isinstance(value, dict) else value
            if isinstance(total, (int, float)) and not key.endswith("_length") and "time" not in key:
                values[key] = total
        out[str(step.get("name"))] = values
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--input", type=Path, required=True, help="folder of WARC shards, HTML files or JSONL shards")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="kept ids, one per line (+ a .json sidecar)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    kept, meta = run(args.kind, args.input, args.workdir, args.workers)
    from peers.common import package_version

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(f"{i}\n" for i in sorted(kept)))
    meta = {"tool": "datatrove", "version": package_version("datatrove"), "kept": len(kept), **meta}
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    # The pipeline is pickled for datatrove's workers: its classes must come from the
    # importable module, not from __main__.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from peers import datatrove_webpages

    sys.exit(datatrove_webpages.main())
