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
