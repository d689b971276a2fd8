"""Pattern data for the listing rules: taxonomy lines, counts, stats rows, edit markers.

Pure data, no logic. Every regex here is linear-time: no quantified group contains another
unbounded quantifier, and lazy parts are bounded.
"""

from __future__ import annotations

import re

from cleaner.stages.boilerplate.phrases import _phrases

_I = re.IGNORECASE

#: Labels that open a line of a post's taxonomy ("Posted in Health | Tagged a, b").
TAXONOMY_LABELS = _phrases({
    "en": """posted in | filed under | tagged | tagged with | tags | categories | category |
        labels | topics | posted under | listed in | published in""",
    "de": "veröffentlicht in | abgelegt unter | kategorien | kategorie | schlagwörter | schlagworte | themen",
    "fr": "publié dans | classé dans | catégories | catégorie | étiquettes | mots-clés | mots clés",
    "es": "publicado en | archivado en | categorías | categoría | etiquetas",
    "it": "pubblicato in | archiviato in | categorie | categoria | tag | etichette",
    "pt": "publicado em | arquivado em | categorias | categoria | marcadores | tags",
    "nl": "geplaatst in | gearchiveerd onder | categorieën | categorie | tags | trefwoorden",
    "pl": "opublikowano w | kategorie | kategoria | tagi",
})
TAXONOMY_START = re.compile(
    rf"({'|'.join(re.escape(p) for p in sorted(TAXONOMY_LABELS, key=len, reverse=True))})\b\s?(:?)\s?\S",
    _I,
)

#: "(179)", "(1,318)": a count in parentheses.
COUNT = re.compile(r"\(\s?\d[\d,.]{0,9}\s?\)")
#: A line that is a short label and its count: "Sexual Health (179)".
LABEL_COUNT = re.compile(r"[^\W\d_][^()\n]{0,60}?\s?\(\s?\d[\d,.]{0,9}\s?\)", _I)
#: A year in parentheses: film and book lists are content, not counts.
YEAR_COUNT = re.compile(r"\(\s?(?:1[5-9]|20)\d\d\s?\)")

#: One "Label: number" pair of a stats row ("Risposte: 0", "Views: 1,318"): a label of up to
#: three words of letters, a colon, a number.
STAT_PAIR = re.compile(r"[^\W\d_][^\W\d]{0,24}(?: [^\W\d]{1,24}){0,2}\s?:\s?\d[\d,.]{0,12}[kKmM]?(?!\w)")

_EDIT_WORDS = (
    r"(?:edit|edit source|bearbeiten|quelltext bearbeiten|modifier|modifier le code|editar|"
    r"editar código|editar código-fonte|modifica|modifica wikitesto|bewerken|"
    r"brontekst bewerken|edytuj|edytuj kod|redigera|rediger)"
)
#: Wikipedia-style section edit markers in the major languages ("[edit]",
#: "[Bearbeiten | Quelltext bearbeiten]").
EDIT_MARKER = re.compile(rf"\s?\[{_EDIT_WORDS}(?:\s?\|\s?{_EDIT_WORDS})?\]", _I)

#: Separators of a navigation row ("Physics · Chemistry · Biology").
ROW_SEPARATOR = re.compile(r"\s[·•|]\s")

#: Networks a "follow us" call names.
NETWORKS = frozenset(
    """facebook twitter x instagram linkedin youtube pinterest tiktok telegram whatsapp
    reddit tumblr snapchat threads mastodon bluesky vk xing flickr vimeo discord twitch
    rss""".split()
)
#: Words such a call is made of, besides the networks and function words.
FOLLOW_WORDS = frozenset(
    """follow like join find connect subscribe us on our page channel at or and with the
    share find also social media friends fan become get updates latest news stay touch
    folgen sie uns auf suivez-nous suivez nous sur síguenos sigue en seguici segui siga
    siga-nos volg ons op obserwuj nas na""".split()
)
