"""The ordered rule registry: which rules run, in which order, under which config name.

Order matters and is deliberate (like ftfy's fixers):

1. markup first, so every later rule sees plain lines;
2. page chrome (lists of related pages before `nav`, which would take their heading alone),
   then press-release furniture, which may sit inside the chrome;
3. comments before links (link stuffing is a spam signal) and before bylines (the thread
   looks for the byline to spot the author's replies);
4. structure (tables of contents, heading runs, empty references, disclaimers);
5. layout last: captions and cut sentences are only recognisable once the rest is gone.

Each rule is a pure function `(text, RuleOptions) -> list[Deletion]` over the current text.
The rules run again on every text a deletion leaves, so the stage skips a rule where it
provably finds nothing: its scope is lacking, no line passes its trigger, or it decides line
by line (`PER_LINE`) and has found nothing in these lines before (`quiet.QuietLines`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cleaner.stages.boilerplate import comments as cm
from cleaner.stages.boilerplate import rules_chrome as ch
from cleaner.stages.boilerplate import rules_layout as lay
from cleaner.stages.boilerplate import rules_listing as ls
from cleaner.stages.boilerplate import rules_markup as mk
from cleaner.stages.boilerplate import rules_meta as meta
from cleaner.stages.boilerplate import rules_press as pr
from cleaner.stages.boilerplate import rules_structure as st
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.edits import Deletion

RuleFunc = Callable[[str, RuleOptions], list[Deletion]]
#: A test of one line (without its newline) that some line of a text passes whenever the
#: rule finds something in that text.
Trigger = Callable[[str], bool]

#: Scopes: what a text must have for a rule to find anything (lets the stage skip it cheaply).
ANY = 0
LINES = 1  # at least one short line (`text.short_lines`)
BLOCKS = 2  # more than one line


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule: its config key, its function, its doc line, its scope and its trigger
    (None: the rule is not known to need any particular line)."""

    name: str
    func: RuleFunc
    doc: str
    scope: int = ANY
    trigger: Trigger | None = None


RULES: tuple[Rule, ...] = (
    Rule("html_tags", mk.html_tags, "leftover HTML tags, comments, script/style"),
    Rule("entities", mk.entities, "undecoded HTML entities"),
    Rule("md_headings", mk.md_headings, "markdown heading markers (# Title -> Title)"),
    Rule("md_emphasis", mk.md_emphasis, "markdown emphasis markers (*text* -> text)"),
    Rule("hr", mk.hr, "horizontal rules (---, ***)", LINES, mk.is_rule_line),
    Rule("residue", mk.residue, "lines with no word: lone bullets, quote marks, pipes", LINES),
    Rule("link_cta", mk.link_cta, "links that only point elsewhere: (More information here)"),
    Rule("related", st.related, "lists of related pages: Most read, More news and the headlines under them", LINES,
         st.is_related_heading),
    Rule("nav", ch.nav, "navigation lines: Skip to content, Previous post:, Related Content", LINES),
    Rule("reading_time", ch.reading_time, "reading-time badges: 4 min read", LINES),
    Rule("share", ch.share, "share/like/tweet bars and counters", LINES),
    Rule("counters", ch.counters, "comment and trackback counters: { 6 comments… }", LINES),
    Rule("click_here", ch.click_here, "lines that are only a call to click", LINES),
    Rule("login", ch.login, "login and account prompts", LINES),
    Rule("cookies", ch.cookies, "cookie and consent banners"),
    Rule("newsletter", ch.newsletter, "newsletter sign-up boxes"),
    Rule("breadcrumb", ch.breadcrumb, "breadcrumb trails: Home > Health > Neuropathy", LINES),
    Rule("copyright", ch.copyright_line, "copyright footers", LINES),
    Rule("taxonomy", ls.taxonomy, "category and tag lines: Posted in X | Tagged a, b", LINES),
    Rule("count_lists", ls.count_lists, "category and archive counts: Sexual Health (179)", LINES, ls.may_count),
    Rule("stats_rows", ls.stats_rows, "forum and product statistics: Replies: 0 • Views: 1,318", LINES),
    Rule("follow_calls", ls.follow_calls, "calls to follow the site: Follow us on Twitter!", LINES),
    Rule("nav_rows", ls.nav_rows, "one-line navigation rows: Physics · Chemistry · Biology", LINES),
    Rule("wire_dateline", pr.wire_dateline, "press-wire datelines (the sentence stays)"),
    Rule("press_contact", pr.press_contact, "media-contact blocks of press releases", LINES, pr.may_anchor_contact),
    Rule("wire_footer", pr.wire_footer, "press-wire footers and disclaimers", ANY, pr.may_open_wire_footer),
    Rule("comments", cm.comments, "comment headers, and comments per the `comments` policy", LINES, cm.may_head_comment),
    Rule("links", mk.links, "markdown links keep their text; images and empty links go"),
    Rule("edit_markers", ls.edit_markers, "wiki section edit markers: History [edit]", LINES),
    Rule("byline", meta.byline, "bylines and datelines, moved to the author/date fields", LINES, meta.may_be_byline),
    Rule("toc", st.toc, "table-of-contents labels and entries", LINES, st.is_toc_label),
    Rule("heading_run", st.heading_run, "runs of headings with no body under them", BLOCKS),
    Rule("empty_refs", st.empty_refs, "empty numbered reference lists", LINES, st.may_be_empty_reference),
    Rule("disclaimer", st.disclaimer, "site-wide disclaimers and their heading", BLOCKS, st.is_disclaimer),
    Rule("alt_text", lay.alt_text, "keyword lines left by image alt text", BLOCKS),
    Rule("captions", lay.captions, "image captions restating the article, set apart by blank lines", BLOCKS),
    Rule("rejoin", lay.rejoin, "captions inside a cut sentence; the two halves rejoin", BLOCKS),
)

#: Rules that are precise only on text scraped with its markup and layout, so they do not
#: run on text the html stage extracted (`Document.extracted`): there `#`, `___`, `*` and
#: `[x](y)` are what the page shows, blocks are the DOM's (a cut sentence is not an image's
#: doing, a run of short lines is a score table, not a table of contents), and a copyright
#: line the extractor kept is the article's credit line, not the site's footer. Measured
#: with `benchmarks/html_quality.py --ablation`.
RAW_TEXT_ONLY: frozenset[str] = frozenset({
    "html_tags", "md_headings", "md_emphasis", "hr", "residue", "link_cta", "links",
    "heading_run", "alt_text", "captions", "rejoin", "copyright", "related",
})

#: Rules that decide each line on its own: one finds something in a text exactly when it
#: finds something in one of the text's lines taken alone (its substring shortcuts, such as
#: no ":" in the text, hold line by line too). The stage skips such a rule on a text made of
#: lines it has already found nothing in (`quiet.QuietLines`);
#: tests/stages/test_boilerplate_shortcuts.py checks the property on generated pages. `hr`
#: is not one: it needs a line break in the text, so a rule line alone is not one to it.
PER_LINE: frozenset[str] = frozenset({
    "md_headings", "md_emphasis", "residue", "nav", "reading_time", "share", "counters",
    "click_here", "login", "cookies", "newsletter", "breadcrumb", "copyright", "taxonomy",
    "stats_rows", "follow_calls", "nav_rows", "edit_markers",
})

#: Rules that, with the line model on, first run once the model has judged the page, on
#: the lines it left; each scans every line or block of its text, and the model takes most
#: chrome lines itself, so after it they cost a fraction (and the rules that run again on
#: every text a deletion leaves see fewer such texts). Two kinds:
#:
#: - per-line chrome rules that give no field: they decide each line alone (`PER_LINE`), so
#:   what they find in the lines the model left is what they would have found there before
#:   it; a line the model took first carries its score instead of their name;
#: - the layout rules, which run last anyway because they read what the rest has left.
#:
#: Every other rule runs before the model as well: markup, bylines and datelines (fields),
#: comments (the policy), and the rules that read a line by the lines around it (a contact
#: block by its anchor, a table of contents by its label), which must see the page as it
#: came. Held-out pages of benchmarks/textpages.py score the same either way.
AFTER_MODEL: frozenset[str] = frozenset({
    "nav", "reading_time", "share", "counters", "click_here", "login", "cookies",
    "newsletter", "breadcrumb", "copyright", "taxonomy", "stats_rows", "follow_calls",
    "nav_rows", "edit_markers", "heading_run", "alt_text", "captions", "rejoin",
})
