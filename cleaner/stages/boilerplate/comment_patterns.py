"""Spam-comment data: generic praise, SEO keywords, link stuffing.

Pure data for `comments.py`. Generic praise is what comment spam says about any article
("I'm impressed with your writing style"); it is only held against a comment that does not
also talk about the article's subject.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

PRAISE = re.compile(
    r"impressed (?:together )?with your (?:writing|blog|site|post)|your writing style"
    r"|(?:great|nice|awesome|excellent|wonderful|fantastic|good|informative|helpful) "
    r"(?:post|article|blog|site|website|write-?up|read|piece|information|info|share)\b"
    r"|thanks? (?:you )?for (?:sharing|posting|this (?:post|article|great|nice))"
    r"|keep (?:up the )?(?:good|great|nice) work|keep (?:it )?up|i(?:'ll| will) bookmark"
    r"|bookmarked|(?:will|i'll) (?:likely |definitely |surely )?(?:be back|come back|return)"
    r"|(?:i )?(?:really )?(?:like|love|enjoyed|enjoy) (?:reading )?(?:your|this) "
    r"(?:blog|post|article|site|website)|clear-cut points|hit the nail (?:up)?on the (?:head|top)"
    r"|a ray of (?:sunshine|susninhe|light)|appreciate (?:your|the) (?:work|effort|post)"
    r"|you(?:'re| are) (?:a )?(?:great|good|talented) (?:writer|blogger)"
    r"|(?:i )?(?:have|'ve) been (?:browsing|surfing|reading) (?:online|on-line|your)"
    r"|subscribe to your (?:rss|feed)|your favou?rite (?:reason|justification)"
    r"|undeniably believe that which you stated|i (?:am|'m) (?:really )?impressed"
    r"|this (?:website|site|blog|article|post) (?:is|was) (?:great|awesome|very useful)"
    r"|toller (?:beitrag|artikel)|danke für (?:den|diesen) (?:beitrag|artikel)"
    r"|super (?:artikel|beitrag)|merci pour (?:cet|ce) (?:article|partage)"
    r"|excelente (?:artículo|articulo|post|artigo)|gracias por compartir|ottimo articolo"
    r"|grazie per (?:aver )?condiviso|ótimo artigo|obrigad[oa] por compartilhar"
    r"|mooi artikel|bedankt voor het delen|świetny artykuł",
    _I,
)

#: Words that make a commenter "name" a keyword phrase ("hosting cheap hosting").
SEO_WORDS = frozenset(
    """hosting cheap casino casinos poker slot slots bet betting loan loans payday viagra
    cialis pharmacy pills seo backlink backlinks replica outlet louboutin uggs forex crypto
    bitcoin escort escorts dating essay essays insurance mortgage download downloads free
    porn sex discount discounts coupon coupons buy online sale wholesale followers rehab
    lawyer attorney plumber locksmith marketing web design weight loss diet cbd vape""".split()
)

URL = re.compile(r"https?://\S+|www\.\S+|\]\(|<a\s", _I)
#: Keyword lists separated by pipes: "shared hosting | unlimited web hosting |".
PIPE_LIST = re.compile(r"(?:[^|\n]{2,40}\|){2,}")
VOWELS = frozenset("aeiouyäöüéèêáíóúàâîôûãõåæøąęó")

#: Lead-ins before a commenter's name ("geschrieben von berg2012", "Comment by Ann").
NAME_LEAD = re.compile(
    r"^(?:(?:comment|reply|posted|written|antwort|kommentar|geschrieben|commentaire|réponse"
    r"|comentario|respuesta|commento|risposta|comentário|resposta|reactie|reactie van"
    r"|komentarz|odpowiedź)\s+)?(?:by|von|de|par|di|da|van|od|from)\s+",
    _I,
)

#: First words that make a header's "name" a byline or a label, not a commenter.
NOT_NAMES = frozenset(
    "posted published updated written by on am le el il em op von par por di door "
    "veröffentlicht publié publicado pubblicato gepubliceerd opublikowano".split()
)

#: Reply links inside a thread (removed with the headers).
REPLY_LINKS = frozenset("reply antworten répondre responder rispondi beantwoorden odpowiedz".split())
