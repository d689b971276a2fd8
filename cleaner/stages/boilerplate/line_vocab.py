"""Vocabulary of page chrome for the line model, in the major European languages.

Pure data. `CHROME_WORDS` are single words that page furniture is made of (menus, account
and cart links, share bars, legal footers, listing labels); a line of mostly such words is
likely chrome, a sentence that uses one is not (the model weighs them against the line's
length and stopwords). `CHROME_LINES` are whole lines of chrome: every phrase of the named
rules' lists (`phrases`) plus short labels of listings and shops.
"""

from __future__ import annotations

from cleaner.stages.boilerplate import phrases


def _words(by_language: dict[str, str]) -> frozenset[str]:
    return frozenset(word for text in by_language.values() for word in text.split())


CHROME_WORDS = _words({
    "en": """home menu search login logout signin signup register account subscribe
        newsletter share shares tweet facebook twitter instagram linkedin youtube pinterest
        whatsapp reddit tiktok telegram rss email print cookie cookies privacy policy terms
        conditions sitemap copyright reserved rights contact about faq help support careers
        jobs advertise advertisement sponsored cart checkout wishlist basket shop store
        blog categories category tags tagged archives archive comments comment reply replies
        views posts posted previous next prev older newer more read continue skip navigation
        toggle close open login menu footer header sidebar widget loading filter filters
        sort results items page pages top back related recent popular trending follow
        followers likes like download app apps settings preferences accept reject manage
        consent agree language english edit""",
    "de": """startseite suche anmelden abmelden registrieren konto newsletter abonnieren
        teilen drucken datenschutz datenschutzerklärung impressum kontakt agb warenkorb
        kasse kategorien kategorie schlagwörter archiv kommentare kommentar antworten
        zurück weiter weiterlesen mehr werbung anzeige cookie einstellungen akzeptieren
        ablehnen hilfe karriere presse folgen""",
    "fr": """accueil recherche rechercher connexion inscription compte newsletter abonner
        partager imprimer confidentialité mentions légales contact panier catégories
        catégorie étiquettes archives commentaires commentaire répondre retour suivant
        précédent publicité cookies accepter refuser aide suivez""",
    "es": """inicio buscar búsqueda sesión registrarse cuenta boletín suscríbete compartir
        imprimir privacidad aviso legal contacto carrito categorías categoría etiquetas
        archivos comentarios comentario responder volver siguiente anterior publicidad
        cookies aceptar rechazar ayuda síguenos""",
    "it": """cerca accedi registrati account iscriviti condividi stampa privacy contatti
        carrello categorie categoria archivio commenti commento rispondi successivo
        precedente pubblicità accetta rifiuta aiuto seguici risposte visite""",
    "pt": """início pesquisar entrar cadastre conta assine compartilhar imprimir
        privacidade contato carrinho categorias categoria arquivo comentários comentário
        responder voltar próximo anterior publicidade aceitar ajuda siga""",
    "nl": """zoeken inloggen registreren account abonneren delen printen privacy contact
        winkelwagen categorieën categorie archief reacties reactie reageren terug
        volgende vorige advertentie accepteren weigeren volg""",
    "pl": """szukaj zaloguj zarejestruj konto subskrybuj udostępnij drukuj prywatności
        kontakt koszyk kategorie kategoria archiwum komentarze komentarz odpowiedz wstecz
        dalej następny poprzedni reklama akceptuję obserwuj""",
})

#: Short labels of listings, shops and forums that make up a whole line.
_LISTING_LINES = phrases._phrases({
    "en": """add to cart | add to basket | add to wishlist | buy now | shop now | in stock |
        out of stock | free shipping | quick view | sort by | filter by | show filters |
        view cart | view details | see details | learn more | read more | view more |
        load more | show all | see all | view all | all rights reserved | terms of use |
        terms of service | terms and conditions | privacy policy | cookie policy |
        contact us | about us | follow us | join us | get started | sign up now |
        back to top | share this | share this post | share this article | like this |
        print this | email this | posted by | written by | last updated | published |
        views | replies | reply | quote | report | permalink | edit | top""",
    "de": """in den warenkorb | jetzt kaufen | auf lager | nicht auf lager | sortieren nach |
        alle anzeigen | mehr anzeigen | alle rechte vorbehalten | über uns | folge uns""",
    "fr": """ajouter au panier | acheter maintenant | en stock | trier par | voir tout |
        voir plus | tous droits réservés | à propos | qui sommes-nous | suivez-nous""",
    "es": """añadir al carrito | comprar ahora | en stock | ordenar por | ver todo | ver más |
        todos los derechos reservados | sobre nosotros | quiénes somos | síguenos""",
    "it": """aggiungi al carrello | acquista ora | disponibile | ordina per | vedi tutti |
        mostra di più | tutti i diritti riservati | chi siamo | seguici""",
    "pt": """adicionar ao carrinho | comprar agora | em estoque | ordenar por | ver todos |
        ver mais | todos os direitos reservados | sobre nós | siga-nos""",
    "nl": """in winkelwagen | nu kopen | op voorraad | sorteer op | bekijk alles |
        alle rechten voorbehouden | over ons | volg ons""",
    "pl": """dodaj do koszyka | kup teraz | dostępny | sortuj według | zobacz wszystkie |
        wszelkie prawa zastrzeżone | o nas | obserwuj nas""",
})

CHROME_LINES: frozenset[str] = frozenset().union(
    phrases.NAV,
    phrases.NAV_PREFIXES,
    phrases.LOGIN,
    phrases.COOKIE_BUTTONS,
    phrases.NEWSLETTER_LINES,
    phrases.TOC_LABELS,
    phrases.BREADCRUMB_HOME,
    _LISTING_LINES,
)
