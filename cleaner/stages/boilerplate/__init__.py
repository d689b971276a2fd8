"""Boilerplate removal for plain text: page chrome, bylines, comments, press furniture, markup.

`Boilerplate` (the stage) runs the ordered, individually switchable rules of `registry.RULES`;
pattern data lives in `phrases`, `patterns`, `comment_patterns` and `dates`, apart from the
rule logic (`rules_*`, `comments`).
"""

from cleaner.stages.boilerplate.stage import Boilerplate

__all__ = ["Boilerplate"]
