"""What a rule may know besides the text: the stage's policies and the document's metadata.

Kept apart from the stage so that rule modules import it without importing the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Comment policies, in config order (the first is the default).
COMMENT_POLICIES = ("drop_spam", "drop_all", "keep")


@dataclass(frozen=True, slots=True)
class RuleOptions:
    """Per-document, read-only inputs to the rules.

    `comments` is the comment policy; `author` is an author already known for the document
    (from HTML metadata), used to recognise the author's own replies in a comment thread.
    """

    comments: str = "drop_spam"
    author: str | None = None
