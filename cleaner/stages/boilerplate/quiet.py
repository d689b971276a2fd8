"""Which lines give each rule nothing to find, over one document.

The rules run again on every text a deletion leaves, and most deletions take whole lines (a
navigation line, a byline, the lines the line model judges), so most texts they see are
made of lines they have seen before. Two kinds of rule can then be skipped:

- a rule with a trigger (`registry.Rule.trigger`) finds nothing in a text none of whose
  lines passes it, so only lines not seen before are tested;
- a per-line rule (`registry.PER_LINE`) finds something in a text exactly when it finds
  something in one of the text's lines taken alone. Once it has found nothing in a text it
  finds nothing in a later text made of lines it has already found nothing in; when a
  deletion inside a line (a link's markup, a dateline cut from its sentence) or a
  whitespace tidy made new lines, it is run on those lines only, joined into a text of
  their own, which it finds something in exactly when it would in the whole text.
"""

from __future__ import annotations

from cleaner.stages.boilerplate.registry import PER_LINE, Rule, Trigger
from cleaner.stages.boilerplate.rule_options import RuleOptions


class QuietLines:
    """For each rule, the set of lines known to give it nothing to find.

    The lines of the current text are worked out once per text (the stage asks about every
    rule of a cycle over the same text, and a text only changes when something is deleted),
    together with the lines it has that the text before it lacked. A rule known to find
    nothing in an earlier text only needs the lines that appeared since then tested: every
    line of the current text not in that earlier one is new in some text in between. Most
    deletions take whole lines and bring no new line, so most questions cost nothing.
    """

    def __init__(self) -> None:
        self._quiet: dict[str, set[str]] = {}
        self._text: str | None = None
        self._lines: frozenset[str] = frozenset()
        self._new: list[frozenset[str]] = []
        self._quiet_at: dict[str, int] = {}

    def finds_nothing(self, rule: Rule, text: str, opts: RuleOptions) -> bool:
        """Whether `rule` is known to find nothing in `text` without running it on all of it.

        False for a rule with no trigger that does not decide line by line, or that has not
        yet run on a whole text.
        """
        if rule.trigger is not None:
            return self._untriggered(rule.name, rule.trigger, text)
        quiet = self._quiet.get(rule.name)
        if quiet is None:
            return False
        fresh = self._unseen(rule.name, text, quiet)
        if fresh and rule.func("\n".join(sorted(fresh)), opts):
            return False
        quiet.update(fresh)
        self._quiet_at[rule.name] = len(self._new)
        return True

    def ran(self, rule: Rule, text: str, found: bool) -> None:
        """Note what `rule` found in the whole of `text`: a per-line rule that found nothing
        there finds nothing in any of its lines (a rule with a trigger keeps only the lines
        that fail it)."""
        if not found and rule.trigger is None and rule.name in PER_LINE:
            self._quiet.setdefault(rule.name, set()).update(self._lines_of(text))
            self._quiet_at[rule.name] = len(self._new)

    def _untriggered(self, name: str, trigger: Trigger, text: str) -> bool:
        """Whether no line of `text` passes the trigger. The lines tested and failing are
        kept; the test stops at the first line that passes, since the rule must run then."""
        quiet = self._quiet.setdefault(name, set())
        for line in self._unseen(name, text, quiet):
            if trigger(line):
                return False
            quiet.add(line)
        self._quiet_at[name] = len(self._new)
        return True

    def _unseen(self, name: str, text: str, quiet: set[str]) -> frozenset[str]:
        """The lines of `text` not in `quiet`, found among the lines new since the text the
        rule was last known quiet on where there was one."""
        lines = self._lines_of(text)
        since = self._quiet_at.get(name)
        if since is None:
            return lines - quiet
        version = len(self._new)
        if since == version:
            return frozenset()
        if since == version - 1:
            return self._new[-1] - quiet
        return (frozenset().union(*self._new[since:]) & lines) - quiet

    def _lines_of(self, text: str) -> frozenset[str]:
        if text is not self._text:
            lines = frozenset(text.split("\n"))
            self._new.append(lines - self._lines if self._text is not None else lines)
            self._text = text
            self._lines = lines
        return self._lines
