"""Site templates: lines that recur on many pages of the same site.

A crawl holds many pages per site, and every page of a site repeats the site's navigation,
footer, sidebar and notices. Whatever such a line says, recurring on a large share of one
site's pages is evidence that it is the site's template and not the page's content; the
evidence transfers to sites nobody has seen, which is what line rules cannot do.

- The *site* of a document is the host of its url (lowercased, without `www.`); without a
  usable url, its source folder (the parent of `source`), so a dump of saved pages sorted
  into one folder per site works too.
- A *line* is a non-blank line of the text, whitespace collapsed and case folded, hashed
  to 64 bits (BLAKE2b: deterministic across processes, unlike `hash()`); a page counts a
  line once however often it repeats it. Lines without a letter are left out: rules such
  as `---` or a Markdown table's `|---|---|` row are markup whose removal would only break
  the page, and lines of bare numbers (table cells, steps, quantities) recur on the pages
  of a site because they are short, not because they are template.
- A line is *template* for a site when the site has at least `min_site_pages` pages (and
  at least `min_pages`) and the line occurs on at least `min_pages` of them and on at
  least `min_share` of them. Its score is that share.
- Where the page's own text surrounds a template line, the stage keeps it (a line alone
  between two of the page's own, a label ending with a colon above a kept value; see
  `cleaner.stages.templates.delete_lines`), so `lines_judged_template` in the stats can
  exceed the lines the stage removes (its `template` count).
- A page that is nothing but one such line is never edited: its line is its whole text,
  and identical short pages are the business of document dedup, which keeps one copy
  (removing the line would empty every copy). A page made only of several template
  lines (a tag page that is all navigation) is emptied, and the pipeline drops it with
  reason `empty`.

Workers sketch each batch into NumPy arrays (a site hash per document, the unique line
hashes of each document). The collector spills (line hash, document) rows to partition
files by the line hash, keeps a site hash and a flag per document, and the document ids
on disk. Deciding reads one partition at a time, groups its rows by (site, line) with a
sort and counts them; only documents that hold template lines get a decision.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from cleaner.dedup.runtime import Clock
from cleaner.dedup.spill import Growable, PartitionedRows, StringSpill

#: A line counts only if it holds a letter (see the module docstring).
_WORDY = re.compile(r"[^\W\d_]")
#: Sites listed in the stats, those with the most template lines first.
TOP_SITES = 20
#: Partition files of the (line, document) rows: 2**bits of them.
_PARTITION_BITS = 5
_MASK64 = (1 << 64) - 1


@dataclass(frozen=True)
class TemplateConfig:
    """Settings of template detection (the `templates` stage's options)."""

    min_pages: int = 3
    min_share: float = 0.5
    min_site_pages: int = 3

    def __post_init__(self) -> None:
        if self.min_pages < 2:
            raise ValueError(f"min_pages must be at least 2, got {self.min_pages}")
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must be in (0, 1], got {self.min_share}")
        if self.min_site_pages < 2:
            raise ValueError(f"min_site_pages must be at least 2, got {self.min_site_pages}")

    @property
    def site_floor(self) -> int:
        """Pages a site needs to be judged: no line can reach `min_pages` on fewer."""
        return max(self.min_site_pages, self.min_pages)


def site_key(url: str | None, source: str) -> str:
    """The site of a document: its url's host without `www.`, else `folder:<parent of source>`."""
    host = _host(url)
    if host:
        return host
    folder = posixpath.dirname(source.replace(os.sep, "/"))
    return f"folder:{folder or '.'}"


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # a malformed url (bad IPv6 literal, bad port) names no host
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def hash64(text: str) -> int:
    """Deterministic 64-bit hash of a string."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def line_keys(text: str) -> list[int | None]:
    """The key of every line of `text` (split at "\n" only): the hash of its normalised
    form, `" ".join(line.split()).casefold()`, or None for a line that does not count.
    Case folding is per character, so the whole text is folded at once."""
    folded = text.lower() if text.isascii() else text.casefold()  # the same on ASCII, and faster
    return [hash64(_collapsed(line)) if _WORDY.search(line) else None for line in folded.split("\n")]


def _collapsed(line: str) -> str:
    """`" ".join(line.split())`, without splitting a line that is already so (most are:
    `isprintable` is False for every white space character but the space)."""
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":
        return line
    return " ".join(line.split())


def line_key(line: str) -> int | None:
    """The key of one line (see `line_keys`)."""
    return line_keys(line.rstrip("\n"))[0]


def page_lines(text: str) -> list[int]:
    """The distinct line keys of a page, in order of first occurrence."""
    return list(dict.fromkeys(key for key in line_keys(text) if key is not None))


@dataclass(slots=True)
class TemplateSketch:
    """One batch: per document its site hash, a fingerprint of its set of lines (equal for
    copies of one page), whether it may be edited (more than one counted line) and how many
    distinct lines it has; the line hashes, document after document; and the batch's site
    names by hash (for the stats)."""

    site: np.ndarray
    copy: np.ndarray
    editable: np.ndarray
    line_count: np.ndarray
    lines: np.ndarray
    site_names: dict[int, str]
    seconds: float


def sketch_templates(pages: list[tuple[str | None, str, str]]) -> TemplateSketch:
    """Worker side: (url, source, text) of each document to site and line hashes."""
    started = time.perf_counter()
    names: dict[int, str] = {}
    sites, copies, counts, lines = [], [], [], []
    for url, source, text in pages:
        name = site_key(url, source)
        site = hash64(name)
        names.setdefault(site, name)
        hashes = page_lines(text)
        sites.append(site)
        copies.append(_fingerprint(hashes))
        counts.append(len(hashes))
        lines.extend(hashes)
    count = np.array(counts, dtype=np.int64)
    return TemplateSketch(np.array(sites, dtype=np.uint64), np.array(copies, dtype=np.uint64), count > 1, count,
                          np.array(lines, dtype=np.uint64), names, time.perf_counter() - started)


def _fingerprint(hashes: list[int]) -> int:
    """The sum of a page's distinct line hashes (mod 2**64): the same for two copies of a
    page whatever the order of their lines; for two different pages equal by chance only
    (about 2**-64)."""
    return sum(hashes) & _MASK64


@dataclass
class TemplateResult:
    """The verdict: for each document with template lines, their hashes and scores."""

    per_doc: dict[str, dict[int, float]]
    stats: dict[str, Any] = field(default_factory=dict)


class _Sites:
    """Sites of the documents seen: `of_doc` indexes `hashes`; `counted` is False for a
    repeated copy of a page of the same site (see `TemplateSketch.copy`), which adds no
    evidence; `pages` counts the distinct pages of each site; `judged` says which sites
    have enough of them."""

    def __init__(self, site: np.ndarray, copy: np.ndarray, floor: int) -> None:
        self.hashes, self.of_doc = np.unique(site, return_inverse=True)
        order = np.lexsort((np.arange(len(site)), copy, self.of_doc))
        first = np.concatenate(([True], (np.diff(self.of_doc[order]) != 0) | (np.diff(copy[order]) != 0)))
        self.counted = np.zeros(len(site), dtype=bool)
        self.counted[order[first[: len(order)]]] = True
        self.pages = np.bincount(self.of_doc[self.counted], minlength=len(self.hashes))
        self.judged = self.pages >= floor


class TemplateIndex:
    """Main-process accumulator of template sketches (see the module docstring)."""

    def __init__(self, config: TemplateConfig, workdir: Path) -> None:
        self.config = config
        self._folder = Path(workdir) / f"templates-{os.getpid()}-{id(self):x}"
        self._site = Growable(np.uint64)
        self._copy = Growable(np.uint64)
        self._editable = Growable(np.bool_)
        self._ids = StringSpill(self._folder / "ids.txt")
        self._name_hash = Growable(np.uint64)
        self._names = StringSpill(self._folder / "sites.txt")
        self._rows = PartitionedRows(self._folder / "rows", width=2, bits=_PARTITION_BITS)
        self._sketch_seconds = 0.0

    def add(self, ids: list[str], sketch: TemplateSketch) -> None:
        """Take one batch, in input order."""
        base = len(self._site)
        self._ids.extend(ids)
        self._site.extend(sketch.site)
        self._copy.extend(sketch.copy)
        self._editable.extend(sketch.editable)
        hashes = sorted(sketch.site_names)
        self._name_hash.extend(np.array(hashes, dtype=np.uint64))
        self._names.extend([sketch.site_names[h] for h in hashes])
        if len(sketch.lines):
            doc = np.repeat(np.arange(base, base + len(sketch.site), dtype=np.uint64), sketch.line_count)
            self._rows.add(sketch.lines, doc)
        self._sketch_seconds += sketch.seconds

    def finish(self) -> TemplateResult:
        """Decide every document; the spill files are deleted afterwards."""
        try:
            return self._finish()
        finally:
            self._rows.close()
            self._ids.close()
            self._names.close()
            shutil.rmtree(self._folder, ignore_errors=True)

    def _finish(self) -> TemplateResult:
        clock = Clock()
        sites = _Sites(self._site.view(), self._copy.view(), self.config.site_floor)
        template_lines = np.zeros(len(sites.pages), dtype=np.int64)
        found = [self._template_rows(line, doc.astype(np.int64), sites, template_lines)
                 for line, doc in self._rows.partitions()]
        clock.lap("count")
        doc = np.concatenate([f[0] for f in found]) if found else np.zeros(0, np.int64)
        line = np.concatenate([f[1] for f in found]) if found else np.zeros(0, np.uint64)
        share = np.concatenate([f[2] for f in found]) if found else np.zeros(0, np.float64)
        per_doc = self._per_doc(doc, line, share)
        clock.lap("decisions")
        stats = {
            "sites": len(sites.pages),
            "sites_judged": int(sites.judged.sum()),
            "pages_in_judged_sites": int(sites.pages[sites.judged].sum()),
            "repeated_pages": int((~sites.counted).sum()),
            "template_lines": int(template_lines.sum()),
            "documents_with_template_lines": len(per_doc),
            "lines_judged_template": len(doc),
            "top_sites": self._top_sites(sites.hashes, sites.pages, template_lines),
            "phase_seconds": {"sketch": round(self._sketch_seconds, 3), **clock.laps},
        }
        return TemplateResult(per_doc, stats)

    def _template_rows(self, line: np.ndarray, doc: np.ndarray, sites: _Sites,
                       template_lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, line, share) of the rows of one partition whose line is template for
        the document's site and whose document may be edited; counts the template lines
        of each site into `template_lines`. Repeated copies of a page add no evidence but
        are edited like their first copy."""
        site = sites.of_doc[doc]
        keep = sites.judged[site]
        line, doc, site = line[keep], doc[keep], site[keep]
        order = np.lexsort((doc, line, site))
        line, doc, site = line[order], doc[order], site[order]
        if not len(line):
            return doc, line, np.zeros(0, np.float64)
        start = np.flatnonzero(np.concatenate(([True], (line[1:] != line[:-1]) | (site[1:] != site[:-1]))))
        size = np.diff(np.append(start, len(line)))
        count = np.add.reduceat(sites.counted[doc].astype(np.int64), start)
        share = count / sites.pages[site[start]]
        template = (count >= self.config.min_pages) & (share >= self.config.min_share)
        np.add.at(template_lines, site[start[template]], 1)
        take = np.repeat(template, size) & self._editable.view()[doc]
        return doc[take], line[take], np.repeat(share, size)[take]

    def _per_doc(self, doc: np.ndarray, line: np.ndarray, share: np.ndarray) -> dict[str, dict[int, float]]:
        """Group the template rows by document: id -> {line hash: share}, in input order."""
        order = np.lexsort((line, doc))
        doc, line, share = doc[order], line[order], share[order]
        affected, first = np.unique(doc, return_index=True)
        ids = self._ids.read(affected)
        bounds = np.append(first, len(doc))
        return {
            ids[k]: dict(zip(line[bounds[k] : bounds[k + 1]].tolist(), share[bounds[k] : bounds[k + 1]].tolist()))
            for k in range(len(affected))
        }

    def _top_sites(self, site_hashes: np.ndarray, pages: np.ndarray, template_lines: np.ndarray) -> list[dict[str, Any]]:
        """The sites with the most template lines (ties: more pages, then the site hash)."""
        candidates = np.flatnonzero(template_lines > 0)
        order = np.lexsort((site_hashes[candidates], -pages[candidates], -template_lines[candidates]))
        top = candidates[order[:TOP_SITES]]
        names = self._site_names(site_hashes[top])
        return [{"site": name, "pages": int(pages[s]), "template_lines": int(template_lines[s])}
                for s, name in zip(top.tolist(), names)]

    def _site_names(self, hashes: np.ndarray) -> list[str]:
        """The name of each site hash, from the first batch that named it."""
        known = self._name_hash.view()
        order = np.argsort(known, kind="stable")
        where = order[np.searchsorted(known[order], hashes)]
        return self._names.read(where)
