"""Compiled pattern data for the rules: chrome, press-release and structure regexes.

Pure data: every regex is compiled once at import. Line patterns are matched against
`text.core(line)` (lowercase, decoration stripped) or a stripped line, never searched
through whole documents, so their cost is paid only on short lines.
"""

from __future__ import annotations

import re

from cleaner.stages.boilerplate.dates import DATE, TIME

_I = re.IGNORECASE

# --- chrome (matched on core(line)) -----------------------------------------------------
READING_TIME = re.compile(
    r"(?:(?:estimated )?reading time|read time|lesezeit|lesedauer|temps de lecture|"
    r"tiempo de lectura|tempo di lettura|tempo de leitura|leestijd|czas czytania|lästid)"
    r"\s*:?\s*(?:ca\.?\s*|about\s*|~\s*)?\d+\s*(?:-\s*\d+\s*)?(?:min\w*\.?|minutes?)?"
    r"|(?:ca\.?\s*|about\s*|~\s*)?\d+\s*(?:-\s*\d+\s*)?(?:min\w*|mins?)\.?\s*"
    r"(?:read|reading|to read|lesezeit|lesen|de lecture|de lectura|di lettura|de leitura|"
    r"leestijd|czytania|läsning)",
    _I,
)
COUNTER = re.compile(
    r"\{?\s*(?:\d+|no|one|ein|eine|un|une|uno|una|um|uma|een|jeden)\s+"
    r"(?:comments?|responses?|replies|thoughts?|trackbacks?|pingbacks?|kommentare?|"
    r"antworten|commentaires?|réponses?|comentarios?|respuestas?|commenti|risposte|"
    r"comentários?|respostas?|reacties?|komentarz\w*|odpowiedzi)\b[^{}]{0,80}\}?"
    r"|(?:comments?|kommentare|commentaires|comentarios|commenti|comentários|reacties|"
    r"komentarze)\s*\(?\s*\d+\s*\)?",
    _I,
)
CLICK_HERE = re.compile(
    r"(?:click|tap) here\b.{0,80}|(?:hier|ici|aquí|qui|aqui|tutaj) (?:klicken|cliquez|"
    r"haz clic|clicca|clique|kliknij)\b.{0,80}|klicken sie hier\b.{0,80}|cliquez ici\b.{0,80}",
    _I,
)
LOGIN_SENTENCE = re.compile(
    r"you must be (?:logged in|registered)\b.{0,60}|(?:please )?(?:log in|login|sign in) "
    r"(?:to|or register to) (?:post|reply|comment|leave|continue|read)\b.{0,60}"
    r"|du musst (?:dich )?angemeldet sein.{0,60}|vous devez être connecté.{0,60}"
    r"|debes (?:estar registrado|iniciar sesión).{0,60}|devi (?:essere )?(?:loggato|"
    r"effettuare il login).{0,60}|você precisa (?:estar logado|fazer login).{0,60}",
    _I,
)
COOKIE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|website) (?:uses?|is using) cookies"
    r"|\buse of cookies|\bcookie (?:policy|settings|preferences|consent|richtlinie)"
    r"|\baccept (?:all )?cookies|\bby (?:continuing|using) (?:to (?:use|browse) )?"
    r"(?:this|our) (?:web)?site,? you (?:agree|consent|accept)"
    r"|\b(?:verwendet|verwenden|nutzt|nutzen|setzt|setzen) (?:\w+ )?cookies"
    r"|\bcookies (?:verwenden|einsetzen)|\butilis\w* des cookies|\bdes cookies pour"
    r"|\butiliza\w* cookies|\busamos cookies|\butilizz\w* (?:i )?cookie|\bgebruik\w* cookies"
    r"|\bgebruik van cookies|\bu[żz]ywa\w* (?:plików )?cookie|\bpliki cookie"
    r"|\banvänder cookies|\bbruger cookies",
    _I,
)
NEWSLETTER = re.compile(
    r"\b(?:subscribe|sign up|signup|join) (?:to |for )?(?:our|the|my) "
    r"(?:free )?(?:weekly |daily |monthly )?(?:newsletter|mailing list|email list)"
    r"|\benter your e-?mail(?: address)?\b|\bget (?:the latest|our) .{0,40}? "
    r"(?:delivered )?(?:straight |directly )?to your inbox"
    r"|\bnewsletter (?:abonnieren|anmelden|bestellen)|\bzum newsletter anmelden"
    r"|\b(?:abonnez|inscrivez)-vous à (?:notre|la) (?:newsletter|lettre)"
    r"|\bsuscr[ií]b\w* a (?:nuestro|nuestra) (?:boletín|newsletter)"
    r"|\biscriviti alla (?:nostra )?newsletter|\b(?:assine|inscreva-se) (?:a |na )?"
    r"(?:nossa )?newsletter|\b(?:meld je aan|schrijf je in) voor (?:onze|de) nieuwsbrief"
    r"|\bzapisz się do (?:naszego )?newslettera",
    _I,
)
COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}))"
    r"|.{0,120}\b(?:all rights? reserved|alle rechte vorbehalten|tous droits réservés"
    r"|todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados"
    r"|alle rechten voorbehouden|wszelkie prawa zastrzeżone)\b",
    _I,
)
BREADCRUMB_SEPARATOR = re.compile(r"\s+(?:>|»|›|/|\||→|::)\s+|\s*(?:»|›|→)\s*")
PHONE = re.compile(r"(?:(?:tel|phone|fon|telefon|téléphone|teléfono|telefone)\.?:?\s*)?"
                   r"\+?\(?\d[\d\s().\-/]{6,20}\d", _I)
EMAIL = re.compile(r"(?:e-?mail:?\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+", _I)
URL = re.compile(r"https?://\S+|www\.\S+", _I)

# --- press releases ---------------------------------------------------------------------
WIRES = (
    r"EIN\s?Presswire(?:\.com)?|PR\s?Newswire(?:-[A-Za-z]+)*|Business\s?Wire|"
    r"GLOBE\s?NEWSWIRE|GlobeNewswire|ACCESS\s?WIRE|Newswire(?:\.com)?|PRWEB|PRWeb|"
    r"Newsfile(?:\s+Corp\.?)?|CNW|Marketwired|24-7PressRelease|PRLog|openPR|Cision|"
    r"PRESSEPORTAL|ots|Send2Press|PRZen|IssueWire|NewMediaWire"
)
_PLACE = r"[A-ZÀ-Ý][^\n/()]{1,100}?"
WIRE_DATELINE = re.compile(
    rf"(?:{_PLACE}[,\s]*+(?:{DATE}\s*+)?)?"
    rf"(?:/\s*(?:{WIRES})\s*/|\(\s*(?:{WIRES})\s*\)|--\s*\(\s*(?:{WIRES})\s*\)\s*--)"
    rf"\s*(?:(?:{DATE})\s*/?\s*)?(?:--|—|–|-)?[ \t]*",
    _I,
)
WIRE_FOOTER = re.compile(
    r"this press release can be viewed online at|ein presswire's priority is"
    r"|ein presswire, everyone's internet news presswire|legal disclaimer:\s*ein presswire"
    r"|view source version on businesswire\.com|view original content(?: to download multimedia)?:"
    r"|to view the original version on (?:pr newswire|accesswire)|news provided by\b"
    r"|distributed by (?:ein presswire|pr newswire|globe newswire|business wire|accesswire)"
    r"|this release was published on|originally published (?:at|on)\b"
    r"|press release distributed by"
    r"|original-content von:.{0,120}übermittelt durch|übermittelt durch news aktuell"
    r"|pressemitteilung (?:teilen|drucken)|communiqué (?:envoyé|diffusé) (?:le|par)",
    _I,
)
#: How each footer of WIRE_FOOTER begins (up to where it may run onto the next line), with
#: its flags: a paragraph whose head WIRE_FOOTER matches has a first line this matches.
WIRE_FOOTER_OPENING = re.compile(
    r"this press release|ein presswire|legal disclaimer:|view source|view original"
    r"|to view the original|news provided by|distributed by|this release was|originally published"
    r"|press release distributed|original-content von:|übermittelt durch|pressemitteilung|communiqué",
    _I,
)
WIRE_SOURCE_LINE = re.compile(r"SOURCE\s+[A-Z][\w&.,' -]{1,80}")
CONTACT_LABELS = re.compile(
    r"(?:media|press|investor|pr)?\s*contacts?(?:\s+(?:information|details|info))?"
    r"|(?:visit|follow|find|connect with) us on(?: social media| facebook| twitter)?"
    r"|social media|pressekontakt|kontakt|medienkontakt|contact presse|contacto(?: de prensa)?"
    r"|contatto(?: stampa)?|contato(?: para imprensa)?|perscontact|kontakt dla mediów",
    _I,
)
#: Company-name endings that may end a contact line with a full stop ("Acme Corp.").
COMPANY_SUFFIXES = frozenset(
    "corp. inc. ltd. co. llc. gmbh. ag. plc. pty. s.a. s.l. b.v. n.v. sp. srl. s.r.l. e.v.".split()
)

# --- structure --------------------------------------------------------------------------
#: A numbered list item with nothing but its number: "1. 1", "[2]", "3)", "^ 4.".
EMPTY_REFERENCE = re.compile(r"\^?\s*(?:\[\d{1,3}\]|\d{1,3}[.)])(?:\s+(?:\[?\d{1,3}\]?\.?|\^))?\s*")
DISCLAIMER = re.compile(
    r"for (?:general )?(?:informational|information|educational|entertainment) purposes only"
    r"|(?:is|are) not (?:intended|meant) (?:to be |as )?(?:a )?(?:substitute|replacement) for"
    r"|should not (?:be used to |be considered |)(?:replace|a substitute for) (?:professional|"
    r"medical|the advice)|does not (?:constitute|provide|offer) (?:medical|legal|financial|"
    r"professional) advice|not a substitute for (?:professional )?(?:medical )?advice"
    r"|always (?:seek|consult) the advice of (?:your|a) (?:physician|doctor|qualified)"
    r"|as an amazon associate|(?:we|i) (?:may )?earn (?:a )?(?:small )?commission"
    r"|have not been evaluated by the food and drug administration"
    r"|dient (?:lediglich|ausschließlich|nur) (?:der|zur) (?:allgemeinen )?information"
    r"|ersetzt (?:keine|nicht die|nicht eine) (?:ärztliche|professionelle|medizinische) "
    r"(?:beratung|behandlung|diagnose)|à titre (?:purement |uniquement )?informatif"
    r"|ne (?:remplace|saurait remplacer) (?:en aucun cas |pas )?(?:une |l'|un )?"
    r"(?:consultation|avis) (?:médical|d'un médecin|d'un professionnel)"
    r"|(?:solo|sólo|únicamente) (?:con|tiene) fines? informativos?|no sustituye (?:el consejo|"
    r"la consulta|el diagnóstico)|(?:solo|esclusivamente) a (?:scopo|titolo) informativo"
    r"|non sostituisce (?:il parere|la consulenza|il consulto)|apenas para fins informativos"
    r"|não substitui (?:a consulta|o aconselhamento|o diagnóstico)"
    r"|uitsluitend (?:ter|voor) (?:informatie|informatieve doeleinden)|vervangt geen "
    r"(?:medisch )?advies|wyłącznie (?:w celach|charakter) informacyjn|nie zastępuje "
    r"(?:porady|konsultacji)",
    _I,
)

# --- comments and bylines ---------------------------------------------------------------
_SAYS_WORDS = (
    r"says|said|wrote|sagt|schreibt|schrieb|dit|a dit|a écrit|dice|dijo|escribió|scrive"
    r"|ha scritto|diz|disse|escreveu|zegt|schreef|pisze|napisał"
)
SAYS = rf"(?:{_SAYS_WORDS})\s*:?"
#: Possessive separators: each run of spaces and dashes is taken once, never re-split between
#: neighbouring quantifiers (backtracking over all the splits of a line of alternating
#: no-break spaces and spaces took seconds per line; now linear in the name's length).
COMMENT_HEADER = re.compile(
    rf"(?P<name>\S.{{0,60}}?)[\s,|–—-]*+(?:on|am|le|el|il|em|op|dnia)?\s*+(?P<date>{DATE})"
    rf"(?P<time>\s*+,?\s*+{TIME})?\s*+(?:{SAYS}|#?\d{{0,4}}|\||·)?",
    _I,
)
COMMENT_SAYS = re.compile(rf"(?P<name>\S.{{0,60}}?)\s+{SAYS}", _I)
#: What every COMMENT_SAYS line holds: a cheap test before the costly pattern.
SAYS_WORD = re.compile(rf"\s(?:{_SAYS_WORDS})", _I)
COMMENT_DATETIME = re.compile(rf"(?:on\s+)?{DATE}\s*,?\s*{TIME}", _I)

# --- bylines (matched on a stripped line) -------------------------------------------------
# Runs of spaces are matched possessively (`\s++`, `\s*+`) wherever what follows cannot start
# with a space: the same lines match, but a line of many spaces is not re-split between
# neighbouring quantifiers (tens of milliseconds per line, seconds per page, before).
_BY = r"(?:by|von|par|por|di|door|przez|av|af)"
_JOINERS = r"(?:on|am|le|el|il|op|em|dnia|at|um)"
_NAME = (
    rf"(?P<name>[^\W\d_][\w.'’-]*(?:\s++&?\s*+(?!{_JOINERS}\b)[\w.'’-]+){{0,6}}"
    r"(?:\s*+,\s*+[A-Z][A-Za-z.]{0,6}){0,3})"
)
_WHEN = rf"(?P<date>{DATE})(?:\s*+,?\s*+{TIME})?"
_LEAD = (
    r"(?:posted|published|written|updated|last updated|veröffentlicht|aktualisiert|publié|"
    r"mis à jour|publicado|actualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt|"
    r"opublikowano|zaktualizowano)"
)
_JOIN = rf"\s*+(?:[|·•—–,-]|\b{_JOINERS}\b)?\s*+"
#: Strong bylines: an author and a date ("March 1, 2019 by Kelly", "by X on 5 September 2011").
#: A pattern's `date` group, where it has one, is never optional: `rules_meta` tries such a
#: pattern only on a line with a digit.
BYLINE_STRONG = (
    re.compile(rf"(?:{_LEAD}\s+(?:{_JOINERS}\s+)?)?{_WHEN}\s*(?:[|·•—–-]\s*)?{_BY}\s+{_NAME}", _I),
    re.compile(rf"(?:(?:written|posted|published)\s+)?{_BY}\s+{_NAME}{_JOIN}{_WHEN}", _I),
    re.compile(rf"(?:author|autor|auteur|autore|written by|geschrieben von|écrit par|escrito por"
               rf"|scritto da|geschreven door|napisane przez)\s*:?\s*{_NAME}", _I),
)
#: Weak bylines, trusted only near the top: "By Kelly", "Published: March 1, 2019", a bare date.
BYLINE_WEAK = (
    re.compile(rf"{_BY}\s+{_NAME}", _I),
    re.compile(rf"(?=[^\W\d_][\w.'’-]*\s+[^\W\d_]){_NAME}\s*[|·•]\s*{_WHEN}", _I),
    re.compile(rf"{_LEAD}\s*(?:on|am|le|el|il|op|em|:)?\s*:?\s*{_WHEN}", _I),
    re.compile(_WHEN, _I),
)
CREDENTIAL = re.compile(r"(?:[A-Z][a-z]?\.?){1,3}[A-Z]\.?|Jr\.?|Sr\.?|Ph\.?D\.?|[A-Z]{2,6}")
NAME_PARTICLES = frozenset(
    "van von de der den da di du la le del della dos das y e and und et & ter ten zu bin".split()
)
