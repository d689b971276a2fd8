"""Cleaning of metadata values found in pages: author strings that name a person or an outlet.

HTML metadata and bylines are where pages put their author, and also where they put profile
links ("View all posts by Daniel Lemire"), CMS accounts ("Admin", "Super User"), theme
credits ("Catch Themes"), share labels and photo credits. The `author` column must hold a
name or nothing: `clean_author` keeps the name inside such a label and returns None when
nothing in the value is a name. Both the `html` stage (trafilatura's author) and the
`boilerplate` stage (bylines moved out of the text) use it. Pattern data lives in
`metadata_patterns`; the golden cases in tests/stages/golden/authors.yaml come from real
pages (benchmarks/pages).
"""

from __future__ import annotations

from cleaner.stages import metadata_patterns as pat

#: Separator between several authors (trafilatura joins them with "; ").
AUTHOR_SEPARATOR = "; "
#: A name longer than this is a sentence or a list of credits, not an author.
MAX_AUTHOR_WORDS = 8
_TRIM = " \t,;:|/·•–—-()[]\"'“”„«»"


def clean_author(value: str | None) -> str | None:
    """The author names in `value`, labels and non-authors removed; None when none is left.

    Several authors separated by ';' are cleaned one by one and joined again with "; ",
    each name once, credentials put back after their name ("Dylan Bailey, MS, RD"). A role
    after a name goes ("Zackery Cuevas Writer"); when one part names someone in two words
    or more, the parts of one word go with the role-only ones: they are what a metadata
    parser splits off a byline ("Paul Frew; Home; Digital Security Expert", "Yucy 3; 4").
    """
    if not value:
        return None
    names: list[str] = []
    for part in value.split(";"):
        if names and pat.CREDENTIAL.fullmatch(part.strip()):
            names[-1] = f"{names[-1]}, {part.strip()}"
            continue
        name = clean_name(part)
        if not name:
            continue
        person = pat.ROLE_TAIL.sub("", name).strip(_TRIM)
        if len(person.split()) >= 2 and is_author_name(person):
            name = person
        elif person != name and len(value.split(";")) > 1:
            continue  # "CNN Editor-at-large" beside "Chris Cillizza"
        if name not in names:
            names.append(name)
    full = [name for name in names if len(name.split()) >= 2]
    return AUTHOR_SEPARATOR.join(full or names) or None


def clean_name(part: str) -> str | None:
    """One author name without its label, or None when the part names no author."""
    name = pat.INNER_BYLINE.sub("", " ".join(part.split())).strip(_TRIM)
    previous = None
    while name and name != previous:  # "Posted by Admin" -> "by Admin" -> "Admin"
        previous = name
        name = pat.AUTHOR_PREFIX.sub("", name, count=1).strip(_TRIM) if pat.AUTHOR_PREFIX.match(name) else name
    name = pat.AUTHOR_SUFFIX.sub("", name).strip(_TRIM)
    name = _without_trailing_dates(name)
    return name if name and is_author_name(name) else None


def is_author_name(name: str) -> bool:
    """Whether a label-free value can be an author: not a placeholder, account, credit or URL."""
    low = name.lower()
    if low in pat.NOT_AUTHORS or low in pat.DATE_WORDS or pat.ADMIN_ACCOUNT.fullmatch(low):
        return False
    if len(name.split()) > MAX_AUTHOR_WORDS or sum(ch.isalpha() for ch in name) < 2:
        return False
    if "@" in name or "://" in name or pat.SENTENCE_START.match(name):
        return False
    return not (
        pat.SOFTWARE_CREDIT.search(name)
        or pat.SHARE_LABEL.search(name)
        or pat.PHOTO_CREDIT.match(name)
        or pat.COPYRIGHT.search(name)
        or pat.DOMAIN_NAME.fullmatch(name)
    )


def _without_trailing_dates(name: str) -> str:
    """"Jeff Foust Monday", "Supermove February 8", "Vader 6" -> the name alone.

    A month with a day after it is a date and goes; a month name alone goes only after
    two words ("Carrie Arnold November"), since "Bille August" is a name.
    """
    previous = None
    while name != previous:
        previous = name
        dated = pat.TRAILING_NUMBER.search(name)
        name = pat.TRAILING_NUMBER.sub("", name)
        words = name.split()
        if len(words) >= (2 if dated else 3) and words[-1].lower().strip(".,") in pat.DATE_WORDS:
            name = " ".join(words[:-1])
    return name.strip(_TRIM)
