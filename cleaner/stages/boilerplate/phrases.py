"""Phrase data for the chrome rules: what page furniture says, in the major European languages.

Pure data, no logic. Each set holds lowercase phrases that make up a *whole* line of chrome
once decoration is stripped (see `text.core`); a sentence that merely contains one is never
matched by these sets. Phrases are grouped by language (en, de, fr, es, it, pt, nl, pl, and
sv/da where free) and separated by "|".
"""

from __future__ import annotations


def _phrases(by_language: dict[str, str]) -> frozenset[str]:
    return frozenset(
        " ".join(p.split()) for text in by_language.values() for p in text.split("|") if p.strip()
    )


#: Navigation and page chrome, whole-line phrases.
NAV = _phrases({
    "en": """skip to content | skip to main content | skip to navigation | skip to footer |
        skip to primary navigation | jump to navigation | jump to content | toggle navigation |
        main menu | menu | close menu | open menu | search | search for | navigation | home |
        back to top | go to top | top | previous | next | prev | previous post | next post |
        previous article | next article | older posts | newer posts | older post | newer post |
        previous story | next story | related | related content | related posts |
        related articles | related stories | you may also like | you might also like |
        recommended for you | more from this author | popular posts | recent posts | trending |
        read more | read more » | continue reading | keep reading | read the full article |
        read full article | see more | show more | load more | view all | leave a comment |
        leave a reply | leave a comment cancel reply | leave a reply cancel reply |
        cancel reply | post a comment | post comment | add a comment | add comment | comments |
        reply | report | quote | print | print this page | advertisement | sponsored |
        sponsored content""",
    "de": """zum inhalt springen | zum hauptinhalt springen | direkt zum inhalt |
        springe zum inhalt | zur navigation | nach oben | zurück | zurück nach oben | weiter |
        weiterlesen | mehr lesen | mehr | ähnliche artikel | ähnliche beiträge |
        verwandte artikel | das könnte dich auch interessieren |
        das könnte sie auch interessieren | vorheriger beitrag | nächster beitrag |
        vorheriger artikel | nächster artikel | kommentar schreiben |
        hinterlasse einen kommentar | schreibe einen kommentar | antworten | suche |
        startseite | anzeige | werbung | drucken""",
    "fr": """aller au contenu | aller au contenu principal | retour en haut | lire la suite |
        lire plus | en savoir plus | articles similaires | articles connexes | à lire aussi |
        vous aimerez aussi | article précédent | article suivant | laisser un commentaire |
        répondre | rechercher | accueil | publicité | imprimer""",
    "es": """ir al contenido | saltar al contenido | volver arriba | leer más | seguir leyendo |
        artículos relacionados | entradas relacionadas | también te puede interesar |
        entrada anterior | entrada siguiente | artículo anterior | artículo siguiente |
        deja un comentario | deja una respuesta | responder | buscar | inicio | publicidad""",
    "it": """vai al contenuto | salta al contenuto | torna su | leggi tutto | leggi di più |
        continua a leggere | articoli correlati | potrebbe interessarti anche |
        articolo precedente | articolo successivo | lascia un commento | rispondi | cerca |
        pubblicità""",
    "pt": """pular para o conteúdo | ir para o conteúdo | voltar ao topo | leia mais |
        continue lendo | posts relacionados | artigos relacionados | você também pode gostar |
        post anterior | próximo post | deixe um comentário | deixe uma resposta | pesquisar |
        início | publicidade""",
    "nl": """naar inhoud springen | ga naar inhoud | terug naar boven | lees meer | verder lezen |
        gerelateerde artikelen | gerelateerde berichten | vorig bericht | volgend bericht |
        laat een reactie achter | reageer | beantwoorden | zoeken | advertentie""",
    "pl": """przejdź do treści | przejdź do zawartości | wróć na górę | czytaj więcej |
        czytaj dalej | podobne artykuły | powiązane artykuły | poprzedni wpis | następny wpis |
        zostaw komentarz | dodaj komentarz | odpowiedz | szukaj | reklama""",
    "sv/da": "hoppa till innehåll | läs mer | spring til indhold | læs mere",
})

#: Labels that start a navigation line whatever follows ("Previous post: How to ...").
NAV_PREFIXES = _phrases({
    "en": """previous post | next post | previous article | next article | previous story |
        next story | older post | newer post | tags | tagged | tagged with | tagged as |
        posted in | filed under | categories | category | related | see also""",
    "de": "schlagwörter | schlagworte | kategorie | kategorien | vorheriger beitrag | nächster beitrag",
    "fr": "étiquettes | catégories | catégorie | article précédent | article suivant",
    "es": "etiquetas | categorías | categoría | entrada anterior | entrada siguiente",
    "it": "tag | categorie | articolo precedente | articolo successivo",
    "pt": "marcadores | categorias",
    "nl": "trefwoorden | categorieën",
    "pl": "tagi | kategorie wpisu | kategoria",
})

#: Words a share/like bar is made of; a line made only of these (and counts) is chrome.
SHARE_WORDS = _phrases({
    "en": """share | shares | shared | sharing | tweet | tweets | retweet | pin | like | likes |
        love | email | e-mail | mail | print | facebook | twitter | x | linkedin | pinterest |
        whatsapp | reddit | telegram | tumblr | xing | messenger | flipboard | pocket | copy |
        link | on | this | it | via | with | your | friends | save | follow | us | subscribe |
        rss""",
    "de": "teilen | geteilt | twittern | merken | drucken",
    "fr": "partager | partages | imprimer",
    "es": "compartir | compartido | imprimir",
    "it": "condividi | condivisioni | stampa",
    "pt": "compartilhar | partilhar",
    "nl": "delen | gedeeld",
    "pl": "udostępnij | udostępnienia",
    "sv/da": "dela | del",
})

#: Words a counter goes with ("Like 0", "12 Shares").
COUNT_WORDS = frozenset("like likes share shares tweet tweets pin pins love loves".split())

#: Share words strong enough to mark a line as a share bar on their own.
SHARE_ANCHORS = frozenset(
    "share shares tweet retweet facebook twitter linkedin pinterest whatsapp reddit telegram "
    "teilen partager compartir condividi compartilhar partilhar delen udostępnij".split()
)

#: Whole-line login and account prompts.
LOGIN = _phrases({
    "en": """log in | login | log in to reply | login to reply | log in to comment | sign in |
        sign in to comment | sign up | register | create account | create an account |
        my account | log out | logout | forgot password | forgot your password?""",
    "de": "anmelden | einloggen | registrieren | abmelden | mein konto",
    "fr": "se connecter | connexion | s'inscrire | mon compte",
    "es": "iniciar sesión | registrarse | mi cuenta",
    "it": "accedi | registrati | il mio account",
    "pt": "entrar | cadastre-se | minha conta",
    "nl": "inloggen | registreren | mijn account",
    "pl": "zaloguj się | zarejestruj się | moje konto",
})

#: Whole-line cookie-banner buttons.
COOKIE_BUTTONS = _phrases({
    "en": """accept | accept all | accept cookies | accept all cookies | allow all |
        allow cookies | reject all | decline | manage preferences | cookie settings |
        cookie policy | privacy policy | ok, got it | got it | i agree""",
    "de": "alle akzeptieren | akzeptieren | ablehnen | cookie-einstellungen | datenschutzerklärung",
    "fr": "tout accepter | accepter | refuser | tout refuser | paramètres des cookies",
    "es": "aceptar | aceptar todo | rechazar | configurar cookies",
    "it": "accetta | accetta tutto | rifiuta",
    "pt": "aceitar | aceitar todos | rejeitar",
    "nl": "accepteren | alles accepteren | weigeren",
    "pl": "akceptuję | zaakceptuj wszystkie | odrzuć",
})

#: Whole-line newsletter prompts.
NEWSLETTER_LINES = _phrases({
    "en": """subscribe | subscribe now | subscribe to our newsletter |
        sign up for our newsletter | newsletter | join our newsletter | join our mailing list |
        your email | your email address | email address | enter your email |
        enter your email address | submit""",
    "de": "newsletter abonnieren | jetzt abonnieren | ihre e-mail-adresse",
    "fr": "s'abonner | abonnez-vous | votre adresse e-mail",
    "es": "suscríbete | suscribirse | tu correo electrónico",
    "it": "iscriviti | iscriviti alla newsletter",
    "pt": "assine | inscreva-se",
    "nl": "aanmelden | inschrijven | abonneer",
    "pl": "zapisz się | subskrybuj",
})

#: Labels that open a table of contents.
TOC_LABELS = _phrases({
    "en": """in this article | in this post | in this guide | table of contents | contents |
        on this page | jump to | jump to section | article contents | what's in this article""",
    "de": "inhaltsverzeichnis | inhalt | in diesem artikel",
    "fr": "sommaire | table des matières | dans cet article",
    "es": "índice | contenido | contenidos | tabla de contenidos | en este artículo",
    "it": "indice | sommario | in questo articolo",
    "pt": "neste artigo | conteúdo",
    "nl": "inhoudsopgave | in dit artikel",
    "pl": "spis treści | w tym artykule",
    "sv": "innehåll",
})

#: Headings of a reference section (for empty numbered reference lists).
REFERENCE_HEADINGS = _phrases({
    "en": "references | reference | sources | source | citations | notes | footnotes | bibliography",
    "de": "quellen | quellenangaben | literatur | einzelnachweise",
    "fr": "références | sources et références | bibliographie",
    "es": "referencias | fuentes | bibliografía",
    "it": "riferimenti | fonti | bibliografia",
    "pt": "referências | fontes",
    "nl": "bronnen | referenties | bibliografie",
    "pl": "źródła | przypisy",
    "sv": "källor",
})

#: Headings of a disclaimer block.
#: Headings of the lists of other pages a site puts around an article ("More news", "Most
#: read"). "See also" and "Further reading" are not among them: in documentation and wikis
#: they head the page's own references, which the gold text of such pages keeps.
RELATED_HEADINGS = _phrases({
    "en": """related | related content | related posts | related articles | related stories |
        related links | related news | related reading | related topics | related videos |
        you may also like | you might also like | you may be interested in | recommended |
        recommended for you | recommended stories | recommended articles | more stories |
        more news | more articles | more to explore | more like this | popular posts |
        popular stories | popular articles | most popular | most read | most viewed | trending |
        trending now | trending stories | latest news | latest stories | latest articles |
        latest posts | recent posts | recent articles | recent stories | top stories | top news |
        don't miss | do not miss | explore further | also read | read also | read next | up next |
        what to read next | editor's picks | editors' picks | in case you missed it |
        more on this story | other stories""",
    "de": """ähnliche artikel | ähnliche beiträge | verwandte artikel | meistgelesen |
        das könnte sie auch interessieren | das könnte dich auch interessieren |
        weitere artikel | mehr zum thema | auch interessant""",
    "fr": """articles similaires | à lire aussi | a lire aussi | lire aussi | sur le même sujet |
        les plus lus | articles récents""",
    "es": """artículos relacionados | noticias relacionadas | te puede interesar | lo más leído |
        también te puede interesar""",
    "it": "articoli correlati | potrebbe interessarti anche | leggi anche | i più letti",
    "nl": "gerelateerde artikelen | lees ook | meest gelezen",
    "pt": "artigos relacionados | leia também | mais lidas",
})
#: Openings of such headings that go on with a name: "More from The Verge", "More in Science".
RELATED_HEADING_OPENINGS = ("more from", "more in", "more news from", "latest from", "more stories from")


DISCLAIMER_HEADINGS = _phrases({
    "en": """disclaimer | medical disclaimer | legal disclaimer | health disclaimer |
        affiliate disclosure | disclosure | important notice""",
    "de": "haftungsausschluss | rechtlicher hinweis | hinweis",
    "fr": "avertissement | clause de non-responsabilité | mentions légales",
    "es": "aviso legal | descargo de responsabilidad | exención de responsabilidad",
    "it": "esclusione di responsabilità | avvertenza",
    "pt": "isenção de responsabilidade | aviso",
    "nl": "vrijwaring",
    "pl": "zastrzeżenie | nota prawna",
    "sv": "ansvarsfriskrivning",
})

#: First segments of a breadcrumb trail.
BREADCRUMB_HOME = _phrases({
    "en": "home | homepage | home page | start | you are here",
    "de": "startseite | sie sind hier",
    "fr": "accueil | vous êtes ici",
    "es/pt": "inicio | início",
    "it": "pagina iniziale",
    "pl": "strona główna",
    "sv/da": "hem | forside",
})

#: Words a link can say when it only points elsewhere ("(More information here)").
LINK_CTA = _phrases({
    "en": """here | click here | more | more info | more information | more information here |
        more details | details | read more | learn more | find out more | see more | see here |
        see study | see study here | see the study | source | sources | link | full story |
        full article | study | study here""",
    "de": "mehr | mehr erfahren | mehr infos | hier | quelle | weiterlesen",
    "fr": "ici | en savoir plus | lire la suite",
    "es": "aquí | más información | leer más | fuente",
    "it": "qui | leggi di più | maggiori informazioni | fonte",
    "pt": "aqui | saiba mais | leia mais",
    "nl": "meer informatie | lees meer | bron",
    "pl": "tutaj | czytaj więcej | więcej | źródło",
})
