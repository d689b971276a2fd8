"""The real pages of ../shared/data with gold main text, and the fixed train / held-out split.

- WCXB dev (1,497 pages, 7 page types, 1,295 domains): gold `main_content`; unpacked once
  into `.bench/wcxb/` (git-ignored) from the tarball in ../shared/data.
- ScrapingHub AEB (181 articles): gold `articleBody`.
- trafilatura-eval (990 pages, mostly German): no gold text, only `with` / `without`
  snippets; usable as silver training data (trafilatura's own extraction as the gold).

The split is by domain, never by page: a page is held out when a hash of its registered
domain falls in the held-out share, so no site is both trained on and scored. It is fixed
(md5 of the domain, not Python's salted hash) so every script and run agrees.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
BENCH = REPO / ".bench"
WCXB_TAR = DATA / "wcxb-dev" / "wcxb-dev.tar.xz"
WCXB_DIR = BENCH / "wcxb"
AEB_DIR = DATA / "scrapinghub-aeb"
EVAL_DIR = DATA / "trafilatura-eval"

#: Share of domains held out for scoring (percent).
HELD_OUT_PERCENT = 30


@dataclass
class Page:
    """One real page: decoded HTML, gold main text (may be empty), page type and domain."""

    id: str
    dataset: str
    url: str
    domain: str
    page_type: str
    html: str
    gold: str = ""
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)

    @property
    def held_out(self) -> bool:
        return is_held_out(self.domain)


def domain_of(url: str | None) -> str:
    """The host of `url` without `www.` (the unit of the split), or '' when unknown."""
    if not url:
        return ""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_held_out(domain: str) -> bool:
    """Whether pages of `domain` are kept out of training (a fixed hash of the domain)."""
    digest = hashlib.md5(domain.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def available() -> bool:
    return WCXB_TAR.is_file() or (WCXB_DIR / "metadata.json").is_file()


def decode_html(data: bytes) -> str:
    """Bytes of a page decoded the way cleaner's reader decodes them."""
    from cleaner.io.decode import decode_bytes

    try:
        return decode_bytes(data, html=True).text
    except Exception:  # a page cleaner refuses to decode is still a page for the benchmark
        return data.decode("utf-8", "replace")


def _unpack_wcxb() -> Path:
    if not (WCXB_DIR / "metadata.json").is_file():
        WCXB_DIR.mkdir(parents=True, exist_ok=True)
        with tarfile.open(WCXB_TAR) as tar:
            tar.extractall(WCXB_DIR, filter="data")
    return WCXB_DIR


def wcxb_pages() -> Iterator[Page]:
    """WCXB dev pages in file order."""
    root = _unpack_wcxb()
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    types = _wcxb_types(meta)
    for gt_path in sorted((root / "dev" / "ground-truth").glob("*.json")):
        entry = json.loads(gt_path.read_text(encoding="utf-8"))
        html_path = root / "dev" / "html" / f"{gt_path.stem}.html"
        if not html_path.is_file():
            html_path = html_path.with_suffix(".html.gz")
        raw = html_path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        truth = entry["ground_truth"]
        url = entry.get("url") or ""
        page_type = types.get(gt_path.stem) or entry.get("_internal", {}).get("page_type", {}).get("primary", "unknown")
        yield Page(
            id=f"wcxb/{gt_path.stem}",
            dataset="wcxb",
            url=url,
            domain=domain_of(url),
            page_type=page_type,
            html=decode_html(raw),
            gold=truth.get("main_content") or "",
            with_=list(truth.get("with") or []),
            without=list(truth.get("without") or []),
        )


def _wcxb_types(meta: dict) -> dict[str, str]:
    """file id -> page type from metadata.json, whatever its exact layout."""
    found: dict[str, str] = {}
    pages = meta.get("pages") or meta.get("files") or {}
    if isinstance(pages, dict):
        pages = [dict(v, file_id=k) if isinstance(v, dict) else {"file_id": k, "page_type": v} for k, v in pages.items()]
    for item in pages:
        if not isinstance(item, dict):
            continue
        fid = str(item.get("file_id") or item.get("id") or "")
        kind = item.get("page_type") or item.get("type")
        if isinstance(kind, dict):
            kind = kind.get("primary")
        if fid and kind:
            found[fid] = str(kind)
    return found


def aeb_pages() -> Iterator[Page]:
    """ScrapingHub AEB article pages in id order."""
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        url = truth[key].get("url") or ""
        raw = gzip.decompress((AEB_DIR / "html" / f"{key}.html.gz").read_bytes())
        yield Page(
            id=f"aeb/{key}",
            dataset="aeb",
            url=url,
            domain=domain_of(url),
            page_type="article",
            html=decode_html(raw),
            gold=truth[key].get("articleBody") or "",
        )


def eval_pages() -> Iterator[Page]:
    """trafilatura-eval pages in file order (snippets only, no gold text)."""
    data = json.loads((EVAL_DIR / "evaldata.json").read_text(encoding="utf-8"))
    for url, entry in sorted(data.items(), key=lambda kv: kv[1]["file"]):
        raw = gzip.decompress((EVAL_DIR / "html" / f"{entry['file']}.gz").read_bytes())
        yield Page(
            id=f"eval/{entry['file']}",
            dataset="eval",
            url=url,
            domain=domain_of(url),
            page_type="eval",
            html=decode_html(raw),
            with_=list(entry.get("with") or []),
            without=list(entry.get("without") or []),
        )
