"""Pattern data for the quality filter: placeholder pages and filler text.

Pure data. Placeholder phrases are only held against short documents (see
`QualityFilter`), so an article that says "coming soon" in passing is never dropped.
"""

from __future__ import annotations

import re

#: What parked, unfinished and error pages say, in the major European languages.
PLACEHOLDER = re.compile(
    r"\b(?:coming soon|under construction|(?:this|the) (?:domain|website) (?:name )?"
    r"(?:is|may be) for sale|buy this domain|domain (?:is )?parked|page not found"
    r"|404 (?:error|not found)|error 404|site (?:is )?(?:temporarily )?(?:unavailable|"
    r"down for maintenance)|account (?:has been )?suspended|default web page"
    r"|website is (?:currently )?(?:offline|under maintenance)|please enable javascript"
    r"|demnächst verfügbar|in kürze verfügbar|im aufbau|seite nicht gefunden"
    r"|domain (?:steht )?zum verkauf|wartungsarbeiten|bientôt disponible|en construction"
    r"|page (?:introuvable|non trouvée)|nom de domaine (?:est )?à vendre|próximamente"
    r"|en construcción|página no encontrada|dominio en venta|prossimamente|in costruzione"
    r"|pagina non trovata|dominio in vendita|em breve|em construção|página não encontrada"
    r"|domínio à venda|binnenkort beschikbaar|in aanbouw|pagina niet gevonden"
    r"|domein te koop|wkrótce|w budowie|strona nie (?:została )?znaleziona|domena na sprzedaż)\b",
    re.IGNORECASE,
)

#: Lorem-ipsum filler (the canonical opening, in any case).
LOREM = re.compile(r"lorem\s+ipsum\s+dolor", re.IGNORECASE)

# --- link lists (see `quality_links`) ---------------------------------------------------

#: A Markdown link or image: `[text](target "title")`; group 1 is the text.
MD_LINK = re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\n]{0,2000}\)")
#: A bare address: `https://...`, `www....`, or a host name with a common ending
#: (`example.com`, `shop.example.co.uk/page`), as link lists and link farms write them.
URL = re.compile(
    r"(?:https?|ftp)://\S+|\bwww\.\S+"
    r"|\b[\w-]{1,63}(?:\.[\w-]{1,63})*\.(?:com|org|net|info|biz|io|co|edu|gov|de|uk|fr|it|es|nl"
    r"|pl|ru|eu|us|ca|au|ch|at|be|se|dk|no|fi|pt|cz|jp|cn|in|br|me|tv|xyz|online|site)\b(?:/\S*)?",
    re.IGNORECASE,
)
#: Cheap test that a text holds an address or a link at all.
LINK_HINT = re.compile(r"://|\]\(|\bwww\.|\w\.(?:com|org|net|info|biz|io|co|de|uk|ru)\b", re.IGNORECASE)
#: Sentence punctuation: a line with it and enough words is prose.
SENTENCE_MARK = re.compile(r"[.!?;:,。！？]")
#: A token that is a word (table pipes, bullets and arrows are not): a run of non-spaces
#: (what `str.split` cuts) with a word character in it, found by one scan of a line.
WORD_TOKEN = re.compile(r"(?<!\S)(?=\S*?\w)\S+")
