"""Which line of a flattened page belongs to the gold main text.

The flattened page and the gold are aligned as sequences of lowercase `\\w+` tokens
(difflib's matching blocks: longest common runs, in order). A token counts as matched only
inside a run of at least `MIN_RUN` tokens, or a run that covers a whole short line, so a
menu item that happens to share two words with the article is not "content". A line is
content when at least half of its tokens are matched; a line without tokens (a lone bullet,
a rule) is not.
"""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\w+")
MIN_RUN = 3


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def line_labels(lines: list[str], gold: str) -> list[float]:
    """For each line, the share of its tokens aligned to the gold text (0.0 to 1.0)."""
    line_tokens = [tokens(line) for line in lines]
    flat: list[str] = []
    owner: list[int] = []
    for i, toks in enumerate(line_tokens):
        flat.extend(toks)
        owner.extend([i] * len(toks))
    gold_tokens = tokens(gold)
    matched = [0] * len(lines)
    if not flat or not gold_tokens:
        return [0.0] * len(lines)
    matcher = difflib.SequenceMatcher(None, flat, gold_tokens, autojunk=False)
    for a, _b, size in matcher.get_matching_blocks():
        if size == 0:
            continue
        if size < MIN_RUN:
            first, last = owner[a], owner[a + size - 1]
            whole = first == last and len(line_tokens[first]) == size
            if not whole:
                continue
        for k in range(a, a + size):
            matched[owner[k]] += 1
    return [matched[i] / len(t) if t else 0.0 for i, t in enumerate(line_tokens)]
