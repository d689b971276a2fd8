"""Site templates: delete the lines that recur on many pages of the same site.

The engine lives in `cleaner.dedup.site_lines` (site keys, line hashes, the counting); this
module maps the options onto it and deletes the decided lines, each whole line with its
line break as one span with rule `template` and, as its score, the share of the site's
pages that carry the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleaner.dedup.site_lines import TemplateConfig, TemplateIndex, line_keys, sketch_templates
from cleaner.document import Document, Drop, Edit, Span
from cleaner.errors import ConfigError
from cleaner.options import Option, Settings
from cleaner.stages.base import Collector, Decisions, DocKey, GlobalStage
from cleaner.stages.edits import TextEditor

RULE = "template"


class SiteTemplates(GlobalStage):
    """Deletes lines that recur on a large share of one site's pages (its template).

    A site is the url's host, else the source folder; what a line says does not matter.
    """

    name = "templates"
    options = (
        Option("min_pages", int, 3, "pages of one site a line must occur on to be template", minimum=2),
        Option("min_share", float, 0.5, "share of the site's pages a line must occur on to be template; "
               "content a site repeats on some of its pages (a product range, a recurring heading) stays "
               "below it, its navigation and footer do not", minimum=0.01, maximum=1.0),
        Option("min_site_pages", int, 3, "sites with fewer pages in the dump are left alone (at least "
               "min_pages are needed anyway)", minimum=2),
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        try:
            self.config = TemplateConfig(min_pages=settings.min_pages, min_share=settings.min_share,
                                         min_site_pages=settings.min_site_pages)
        except ValueError as exc:
            raise ConfigError(f"stages.templates: {exc}") from None

    def sketch(self, docs: list[Document]) -> Any:
        return sketch_templates([(doc.url, doc.source, doc.text) for doc in docs])

    def collector(self, workdir: Path) -> Collector:
        return TemplateCollector(self.config, workdir)

    def apply(self, doc: Document, decision: Any) -> Edit | Drop | None:
        if not decision:
            return None
        return delete_lines(doc.text, decision, self.name)


class TemplateCollector(Collector):
    """Feeds sketches to a `TemplateIndex` and turns its result into `Decisions`."""

    def __init__(self, config: TemplateConfig, workdir: Path) -> None:
        self.index = TemplateIndex(config, workdir)

    def add(self, docs: list[DocKey], sketch: Any) -> None:
        self.index.add([d.id for d in docs], sketch)

    def finish(self) -> Decisions:
        result = self.index.finish()
        return Decisions(per_doc=result.per_doc, stats=result.stats)


def delete_lines(text: str, shares: dict[int, float], stage: str = "templates") -> Edit:
    """Delete every line whose hash is in `shares`, each as its own span (with the line
    break after it) scored with its share; then tidy the white space the deletions leave
    (blank-line runs, a trailing break), which is not reported.

    Two kinds of template line stay, because there they are part of the page's own text:

    - a line alone between two lines of the page's own: a site's template comes in blocks
      (navigation, sidebars, footer), while a recurring line inside the content is most
      often the content's (a "Pros" heading, a line of example code);
    - a line ending with a colon above a line that stays: the label of the page's own
      value ("Weight:" above "1 lb 3 oz"), which means little without it, while a label
      over template lines ("Follow us:") goes with them.
    """
    lines = _lines_with_breaks(text)
    keys = line_keys(text)[: len(lines)]
    drop = [key in shares for key in keys]
    _keep_isolated(lines, drop)
    _keep_labels(lines, drop)
    kept: list[str] = []
    spans: list[Span] = []
    offset = 0
    for line, key, gone in zip(lines, keys, drop):
        if gone:
            assert key is not None  # only lines whose key is in `shares` are dropped
            spans.append(Span(stage, RULE, offset, line, score=shares[key]))
        else:
            kept.append(line)
        offset += len(line)
    editor = TextEditor("".join(kept), stage)
    editor.tidy()
    return Edit(text=editor.text, spans=spans)


def _keep_isolated(lines: list[str], drop: list[bool]) -> None:
    """Un-drop each dropped line whose nearest non-blank lines above and below both stay
    (judged before any is un-dropped; the page's edges count as dropped)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    before = [drop[i] for i in filled]
    for j, i in enumerate(filled):
        above = before[j - 1] if j > 0 else True
        below = before[j + 1] if j + 1 < len(filled) else True
        if before[j] and not above and not below:
            drop[i] = False


def _keep_labels(lines: list[str], drop: list[bool]) -> None:
    """Un-drop each dropped label line (ending with ':') whose next non-blank line stays."""
    next_kept = False  # whether the nearest non-blank line below stays
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip()
        if not stripped:
            continue
        if drop[i] and next_kept and stripped.endswith(":"):
            drop[i] = False
        next_kept = not drop[i]


def _lines_with_breaks(text: str) -> list[str]:
    """The lines of `text` as the sketch saw them (split at "\n" only), each with its break."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
