"""The `html` stage: the main text and metadata of a raw HTML page, with trafilatura.

Decisions (the numbers behind them: `python benchmarks/html_quality.py --sweep`):

- trafilatura's settings are chosen by measurement on two public benchmarks (ScrapingHub
  AEB and trafilatura's own evaluation set). The balanced default scored best on
  trafilatura-eval (F1 0.926) and within 0.004 of the best on AEB (0.960, 'precision'
  0.964); 'precision' loses recall on trafilatura-eval (0.921 against 0.945), and recall
  lost here cannot be won back, while the boilerplate stage adds precision later.
- The text keeps the page's structure: blocks (paragraphs, headings, lists, tables, code)
  are separated by one blank line, list items and table rows are one line each (see
  `html_text`). The boilerplate and passage stages work on those paragraphs.
- Metadata (title, author, date, and the page's own URL when the record had none) is read
  from the whole page before extraction, so it is kept even when no main text is found.
- When trafilatura finds no main text, a fallback runs (`baseline` by default: JSON-LD
  article bodies, `<article>`, then `<p>` elements), and `counts["fallback"]` says so.
  No benchmark page needs it; it rescues pages whose only text trafilatura discards.
- Comments under an article are left out by default: mostly short, off-topic text that
  would then reach the quality filter as part of the article (with them, F1 drops to
  0.953 on AEB and 0.921 on trafilatura-eval). Tables stay in: without them recall drops.
- trafilatura's own `deduplicate` is not offered: its cache lives in the worker process,
  so output would depend on which pages a worker saw before. The dedup stages do that job.
- Each page gets a time limit; a page that runs past it becomes a `RecordError` (an
  errors.parquet row), see `html_timeout` for how and where the limit applies.
- trafilatura is imported inside the functions that use it, so that importing this module
  to validate a config stays cheap. No network is used: trafilatura only reads the string.
"""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar

from cleaner.document import COMMENTS_OFFSET, FOUND_FIELDS, Document, Edit
from cleaner.errors import RecordError
from cleaner.options import Option
from cleaner.stages.base import Transform
from cleaner.stages.html_text import body_to_text
from cleaner.stages.html_timeout import TimeLimitExceeded, call_with_time_limit
from cleaner.stages.metadata import clean_author

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Metadata fields copied from trafilatura's result into the document's columns.

_SURROGATE = re.compile("[\ud800-\udfff]")


class HtmlExtract(Transform):
    """Replace a page's raw HTML (`doc.html`) by its main text, with paragraph breaks."""

    name: ClassVar[str] = "html"
    consumes_html: ClassVar[bool] = True
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "favor",
            str,
            "balanced",
            "trade-off of trafilatura's main-text detection: 'precision' drops more "
            "borderline blocks, 'recall' keeps more",
            choices=("balanced", "precision", "recall"),
        ),
        Option("include_tables", bool, True, "keep the text of tables in the main text"),
        Option(
            "include_comments",
            bool,
            False,
            "append reader comments found under the article (off: mostly short, off-topic)",
        ),
        Option(
            "fast",
            bool,
            False,
            "skip trafilatura's second-opinion extractors (readability, jusText); faster, "
            "slightly lower recall",
        ),
        Option(
            "fallback",
            str,
            "baseline",
            "what to try when no main text is found: 'baseline' (article bodies in JSON-LD, "
            "<article>, <p>), 'html2txt' (all visible text of the page) or 'none'",
            choices=("baseline", "html2txt", "none"),
        ),
        Option("metadata", bool, True, "extract title, author, date and url from the page"),
        Option(
            "extensive_dates",
            bool,
            True,
            "search the whole page for a date when no metadata gives one (finds a date on "
            "about 10% more pages; costs up to a few seconds on some pages)",
        ),
        Option(
            "timeout_s",
            float,
            10.0,
            "seconds one page may take before it becomes an error row; 0 disables (only "
            "enforced in a process's main thread)",
            minimum=0,
        ),
    )

    def transform(self, doc: Document) -> Edit:
        """Extract `doc.html`; a document without HTML passes through unchanged."""
        if doc.html is None:
            return Edit(text=doc.text)
        html, url = doc.html, doc.url
        try:
            return call_with_time_limit(self.settings.timeout_s, lambda: self.extract(html, url))
        except TimeLimitExceeded as err:
            raise RecordError(f"html extraction timed out after {err.seconds:g} s") from None

    def extract(self, html: str, url: str | None) -> Edit:
        """Main text, metadata fields and fallback count of one page (no time limit)."""
        tree = _parse(html)
        if tree is None:
            return Edit(text="")
        fields = self.metadata(tree, url) if self.settings.metadata else {}
        text, comments = self.main_text(tree, url or fields.get("url"))
        counts: dict[str, int] = {}
        if not text and self.settings.fallback != "none":
            text = self.fallback_text(tree)
            if text:
                counts["fallback"] = 1
        metadata = {}
        if comments:  # after the article, a paragraph apart, and marked as not the author's
            metadata[COMMENTS_OFFSET] = len(text) + 2 if text else 0
            text = f"{text}\n\n{comments}" if text else comments
        return Edit(text=text, fields=fields, counts=counts, metadata=metadata)

    def metadata(self, tree: Any, url: str | None) -> dict[str, str]:
        """Title, author, date (and url when the record has none) found in the page."""
        from trafilatura import extract_metadata

        meta = extract_metadata(tree, default_url=url, extensive=self.settings.extensive_dates)
        fields = {name: value for name in FOUND_FIELDS if name != "url" and (value := getattr(meta, name))}
        author = clean_author(fields.pop("author", None))
        if author:
            fields["author"] = author
        if url is None and meta.url:
            fields["url"] = meta.url
        return fields

    def main_text(self, tree: Any, url: str | None) -> tuple[str, str]:
        """trafilatura's main text of the page with paragraph breaks, or '' if none, and
        the reader comments under it (with `include_comments`; else '')."""
        from trafilatura import bare_extraction

        result = bare_extraction(
            tree,
            url=url,
            fast=self.settings.fast,
            favor_precision=self.settings.favor == "precision",
            favor_recall=self.settings.favor == "recall",
            include_comments=self.settings.include_comments,
            include_tables=self.settings.include_tables,
            deduplicate=False,
            with_metadata=False,
        )
        if result is None:
            return "", ""
        assert not isinstance(result, dict)  # a dict only with as_dict=True
        comments = body_to_text(result.commentsbody) if self.settings.include_comments else ""
        return body_to_text(result.body), comments

    def fallback_text(self, tree: Any) -> str:
        """Text from the configured fallback extractor, or ''."""
        from trafilatura import baseline, html2txt

        if self.settings.fallback == "baseline":
            body, _, _ = baseline(tree)
            return body_to_text(body)
        return html2txt(tree).strip()


def _parse(html: str) -> Any:
    """The page's lxml tree, None for an empty page; RecordError if it cannot be parsed.

    Lone UTF-16 surrogates (from JSON escapes) become U+FFFD first: lxml would silently
    cut the text at the first one.
    """
    from trafilatura import load_html

    if not html.strip():
        return None
    if _SURROGATE.search(html):
        html = _SURROGATE.sub("\ufffd", html)
    try:
        return load_html(html)
    except ValueError as err:  # lxml refuses strings it cannot represent (lone surrogates)
        raise RecordError(f"html cannot be parsed: {err}") from None
