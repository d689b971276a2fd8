"""Words that never make a shared passage specific: the stopwords of passage dedup.

Pure data. Passage dedup (`cleaner.dedup.passage_matching`) accepts a partial match only when the
aligned words contain enough *informative* words; a word is uninformative when it is listed
here or, in a large enough corpus, common in it (document frequency). The list matters most
for small corpora, where there are no frequencies to learn from: it holds function words
(the `cleaner.lang` profiles of every language) and, for English, the contraction pieces the
tokeniser leaves (`don't` is `don` + `t`) and the generic verbs, adverbs and nouns stock
phrases are made of ("I have to say", "one of the best", "at the end of the day").

Entries are lowercase `\\w+` tokens, the tokenisation every kernel shares.
"""

from __future__ import annotations

from cleaner.lang.profiles import ALL_STOPWORDS

_ENGLISH = """
    a about above after again against all almost along already also although always am
    among an and another any anyone anything anyway are around as at away back be became
    because become been before being below best better between beyond both but by can
    cannot come comes coming could did do does doing done down during each either else
    enough even ever every everyone everything far few first for from further get gets
    getting give given go goes going gone good got had has have having he her here hers
    herself him himself his how however i if in instead into is it its itself just keep
    kind know last least less let like little lot lots made make makes making many may
    maybe me might mine more most much must my myself need never new next no nobody none
    nor not nothing now of off often oh ok okay on once one only onto or other others
    otherwise our ours ourselves out over own part people perhaps place put quite rather
    really right said same say says see seem seems seen several shall she should show
    since so some someone something sometimes soon still such sure take than that the
    their theirs them themselves then there these they thing things think this those
    though through thus time times to together too took toward towards two under until
    up upon us use used very want wanted was way we well went were what whatever when
    where whether which while who whole whom whose why will with within without would
    yes yet you your yours yourself yourselves
    s t d ll m re ve don didn doesn isn wasn aren weren hasn haven hadn won wouldn
    couldn shouldn mustn ain
"""

#: Lowercase tokens that never count as informative in a shared passage.
STOPWORDS: frozenset[str] = frozenset(_ENGLISH.split()) | ALL_STOPWORDS
