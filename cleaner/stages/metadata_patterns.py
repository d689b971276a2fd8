"""Pattern data for metadata cleaning: what author fields say when they name no author.

Pure data, no logic (see `metadata.py`). Author strings come from a page's HTML metadata
(trafilatura joins several names with "; ") and from bylines; real pages put profile-link
labels ("View all posts by X"), CMS account names ("Admin", "Super User"), theme credits,
share buttons and photo credits where the author should be. Lowercase, grouped by language
(en, de, fr, es, it, pt, nl, pl, and others where free).
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _alternation(phrases: str) -> str:
    words = {" ".join(p.split()) for p in phrases.split("|") if p.strip()}
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


#: Labels in front of the name: profile links, byline words, credits ("Text: X").
AUTHOR_PREFIX = re.compile(
    r"(?:"
    + _alternation(
        """view all posts by | see all posts by | all posts by | more posts by | posts by |
        view all articles by | all articles by | articles by | more from | more articles by |
        article by | analysis by | commentary by | opinion by | story by | report by |
        posted by | written by | published by | edited by | reviewed by | by |
        author | authors | author profile | written | posted |
        zeige alle beiträge von | alle beiträge von | alle artikel von | mehr von |
        zum profil von | artikel von | beitrag von | geschrieben von | verfasst von | autor | autorin |
        voir tous les articles de | voir toutes les publications de | tous les articles de |
        écrit par | publié par | par | auteur | auteure |
        ver todas las entradas de | ver todos los artículos de | escrito por | publicado por |
        por | autora |
        visualizza tutti gli articoli di | tutti gli articoli di | scritto da | pubblicato da | autore |
        ver todos os posts de | ver todos os artigos de | escrito por |
        bekijk alle berichten van | alle berichten van | geschreven door | door | auteur |
        wszystkie wpisy autora | napisane przez | przez | autor |
        interview | text | texte | texto | testo | tekst | текст | автор | 责任编辑 | 作者 | 编辑"""
    )
    + r")\s*[:：.\-–—]?\s+(?=\S)",
    _I,
)

#: What follows the name and is not part of it: "X says", "X is a reporter", "X Published".
AUTHOR_SUFFIX = re.compile(
    r"\s+(?:(?:says|said|wrote|sagt|schreibt|schrieb|dit|a écrit|dice|dijo|escribió|scrive|"
    r"ha scritto|diz|disse|zegt|schreef|pisze|napisał)\b.*"
    r"|(?:is|was) (?:a|an|the)\b.*"
    r"|(?:last updated|last modified|published|updated|posted|joined|zuletzt aktualisiert|"
    r"veröffentlicht|aktualisiert|stand|vor|publié|mis à jour|publicado|actualizado|"
    r"pubblicato|aggiornato|gepubliceerd|opublikowano|tiempo de lectura|lesezeit|"
    r"reading time)\b.*"
    r"|(?:on|am|le|el|il|em|op|dnia)\s+(?=\d).*"
    r"|[•|·]\s.*"
    r")$",
    _I,
)

#: Full month and weekday names a metadata parser leaves at the end of a name ("Jeff Foust
#: Monday", "Carrie Arnold November"); abbreviations are left out ("May" is a surname).
DATE_WORDS = frozenset(
    """january february march april june july august september october november december
    januar februar märz juni juli oktober dezember janvier février mars avril juin juillet
    août septembre octobre novembre décembre enero febrero marzo abril mayo junio julio
    agosto septiembre octubre noviembre diciembre monday tuesday wednesday thursday friday
    saturday sunday montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi
    mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado
    domingo""".split()
)

#: Whole values that name no author: CMS accounts, placeholders, generic roles.
NOT_AUTHORS = frozenset(
    " ".join(p.split())
    for p in """
    admin | administrator | administrador | administrateur | amministratore | webmaster |
    site admin | site administrator | super user | superuser | user | users | guest | member |
    name | your name | author | authors | autor | auteur | autore | by | posted | published |
    written by | reset-author | article | updated | last updated | edited |
    unknown | no author | none | null | n/a | anonymous | anon | anonym | anonyme | anónimo |
    anonimo | unbenannt | untitled | sans titre | sin título | follow | share | date | datum |
    editor | editors | editorial | editorial staff | editorial team | staff | staff writer |
    staff reports | staff report | newsdesk | news desk | news team | web team | webteam |
    team | support team | the team | redaktion | die redaktion | online-redaktion |
    redaktion online | redacción | redaccion | la redacción | redazione | rédaction |
    la rédaction | redactie | redakcja | letters | guest author | guest post | contributor |
    contributors | cortesía | courtesy | zvg | google | facebook | twitter | instagram |
    youtube | linkedin | pinterest | whatsapp | human | default | test | demo | text | texte |
    texto | interview | photo | foto | agencies | agency | agenturen | agentur | agencias |
    agences | agenzie | red | red. | germany | deutschland | austria | österreich | switzerland |
    schweiz | suisse | france | spain | españa | italy | italia | usa | united states | uk |
    united kingdom
    """.split("|")
    if p.strip()
)

#: A value that credits software or a theme, not a writer ("Catch Themes", "Powered by WordPress").
SOFTWARE_CREDIT = re.compile(
    r"\b(?:themes?|theme by|wordpress|wp|drupal|joomla|blogger|blogspot|wix|squarespace|"
    r"shopify|ghost|typo3|elementor|genesis framework|generatepress|astra|divi|powered by|"
    r"designed by|design by|developed by|hecho con|con drupal|made with)\b",
    _I,
)

#: Share buttons and their labels, in the major European languages.
SHARE_LABEL = re.compile(
    r"\b(?:share|sharing|tweet|retweet|empfehlen|teilen|partager|compartir|condividi|"
    r"compartilhar|partilhar|delen|udostępnij|subscribe|abonnieren|newsletter)\b",
    _I,
)

#: A photo or image credit, which names the photographer or the source, not the author.
PHOTO_CREDIT = re.compile(
    r"^(?:photo|photos|foto|fotos|bild|bilder|image|images|picture|credit|credits|source|"
    r"quelle|fuente|fonte|źródło|bron|фото|图片|getty|shutterstock|istock|dpa-bildfunk)\b",
    _I,
)

#: A website address written as a name ("Www Example Com", "Kath Net", "Facebook Com"); in
#: the spaced form only endings that are no common surname ("Emily Co" is a person).
DOMAIN_NAME = re.compile(
    r"^(?:www\b.*|\S+(?:\s+\S+)?\s+(?:com|net|org|de|at|ch|pl|nl|info|biz|eu|io|ru)"
    r"|\S+\.(?:com|net|org|de|at|ch|it|fr|es|pl|nl|pt|uk|co|info|biz|eu|io|ru|br)\b.*)$",
    _I,
)

#: What someone does, at the end of a name or alone ("Zackery Cuevas Writer", "CNN
#: Editor-at-large", "AP Sports Writer", "Lead Reviewer").
ROLE_TAIL = re.compile(
    r"(?:\s+(?:(?-i:[a-z][\w-]*)|senior|junior|chief|lead|head|former|national|political|security|"
    r"sports|autos?|tech|technology|trending|travel|staff|news|contributing|managing|"
    r"executive|associate|deputy|guest|trial|science|health|business|full|new|well-known|"
    r"premium|veteran|certified|master|freie?r?))*"
    r"\s+(?:editor(?:-at-large|-in-chief)?|editors|writer|writers|reporter|reporters|"
    r"correspondent|columnist|contributor|founder|co-founder|reviewer|moderator|member|"
    r"advisor|consultant|educators?|attorney|expert|specialist|redakteur(?:in)?|"
    r"korrespondent(?:in)?|journalist(?:in)?|rédacteur|rédactrice|redactor(?:a)?|"
    r"redattore|correspondant|horticulturalist)$",
    _I,
)

#: Credentials after a name, which a metadata parser splits off as parts of their own
#: ("Dylan Bailey; MS; RD"): they go back to the name ("Dylan Bailey, MS, RD").
CREDENTIAL = re.compile(r"(?:[A-Z][a-z]?\.?){1,3}[A-Z]\.?®?|Jr\.?|Sr\.?|Ph\.?D\.?|[A-Z]{2,6}®?")

#: A part that is a copyright notice or a site link, not a name.
COPYRIGHT = re.compile(
    r"^(?:copyright|©|\(c\))|\b(?:privacy policy|terms of (?:use|service)|terms and conditions|"
    r"impressum|imprint|datenschutz|cookie)",
    _I,
)

#: A sentence that names its author after a label ("This post was written by X").
INNER_BYLINE = re.compile(r"^.*\b(?:written|posted|published|authored)\s+by\s+", _I)

#: A part that is a sentence or a date label, not a name ("This review is posted",
#: "Updated January").
SENTENCE_START = re.compile(
    r"^(?:this|these|the following|our|we|my|i|you|your|here|updated|last updated|published|"
    r"posted on|veröffentlicht|aktualisiert|publié|publicado|pubblicato)\s",
    _I,
)

#: A count or a date left at the end of a name ("Vader 6", "Supermove February 8").
TRAILING_NUMBER = re.compile(r"(?:\s+\d[\d.,:/-]*)+$")

#: A CMS account name glued to "admin" ("Jdadmin", "Wordpressadmin", "admin123").
ADMIN_ACCOUNT = re.compile(r"^\w*admin\w*$", _I)
