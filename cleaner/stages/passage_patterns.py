"""Pattern data of the passages stage: where sentences end, and openings that lean on the
sentence before them (see `cleaner.stages.passages`, "would_leave_fragment").

English only, like the boilerplate rules; a sentence in another language never matches
REFERS_BACK, so there only the sentence-boundary test applies.
"""

from __future__ import annotations

import re

#: Text that ends a sentence: terminal punctuation, then closing quotes or brackets. The
#: same boundary `cleaner.dedup.units` cuts sentences at.
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")

#: Words that, opening a sentence, point back at the one before it: pronouns and
#: determiners whose antecedent it holds, and connectives that continue its argument.
#: "Meanwhile", "There", "The" are left out: they open independent sentences as often as not.
BACK_REFERENCES = (
    "it", "its", "it's", "it’s", "itself", "this", "that", "these", "those", "they", "them", "their", "theirs",
    "he", "she", "his", "her", "him", "such", "also", "however", "therefore", "thus", "hence", "moreover",
    "furthermore", "additionally", "consequently", "nevertheless", "nonetheless", "likewise", "similarly",
    "otherwise", "instead", "besides", "but", "and", "so", "yet", "or", "nor",
    "as a result", "in addition", "for example", "for instance", "in contrast", "by contrast",
    "on the other hand", "in fact", "because of this", "despite this", "as such",
)  # fmt: skip

REFERS_BACK = re.compile(
    r"[\"'“‘(]*(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(BACK_REFERENCES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
