"""Stopword profiles for `cleaner.lang.detect`: the most frequent function words of each language.

Pure data. A language is recognised by how many of a text's tokens are its function words,
so each list holds short, frequent, mostly unambiguous words (articles, pronouns,
prepositions, auxiliaries). Scripts other than Latin and Cyrillic are told apart by their
Unicode ranges in `cleaner.lang.detect` and need no list.
"""

from __future__ import annotations

_RAW = {
    "en": """the of and to in is that for it was on with as are be this by at from or have an
        they which you were not but his her had has would there their what about been we
        when can more who will one all she he if so no out up its than them into only some
        also these could should because such very our after those any other how does did
        your yours both each just like much many most over same then here where while
        within without through being having doing well even still however therefore
        thus may might must shall upon onto something anything really""",
    "de": """der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als
        auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem
        über einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei
        ich wir ihr sehr kann können diese dieser wenn doch schon gibt wieder keine""",
    "fr": """le la les de des et en un une du est que qui dans pour pas sur au par ce il
        elle se plus avec sont ne ont mais comme ou leur nous vous son sa ses été être
        aux cette fait tout aussi peut dont sans entre très ces je avait était lui""",
    "es": """el la los las de del y en que un una es por con para se no al lo como más
        pero sus su le ha este esta entre cuando muy sin sobre también me hasta hay donde
        quien desde todo nos durante todos uno les ni contra otros ese eso fue son ser está""",
    "it": """il lo la gli le di del della dei delle che e è un una per non con sono si da
        al alla nel nella anche come più ma ha questo questa ci ne se sul sulla tra fra
        hanno essere stato loro io mi ti noi voi molto quando dove perché sia negli""",
    "pt": """o a os as de do da dos das e em um uma que é para com não por se no na nos
        nas mais como mas foi ao ele ela seu sua são ou já também quando muito pelo pela
        isso está tem ser até isso há nem eles elas depois sem mesmo onde você""",
    "nl": """de het een en van in is dat op te zijn voor met die niet aan er om ook als
        bij door maar dan uit wordt wat nog worden naar heeft hij zij ze we was werd
        kan geen tot over deze dit meer al zo of hun wel veel ik je jij ons""",
    "pl": """i w na z się nie do to że jest o jak co po ale za od tak jego jej przez dla
        tylko by być są czy już ich było może jednak też który która które oraz gdy
        jako pod nad tego tym mnie mi ja ty on ona ono oni bardzo też jeszcze""",
    "sv": """och i att det som en på är av för med till den har de inte om ett han var
        men så från vid kan hon nu sig efter också eller bara när mycket hade skulle
        vara dem man sina där under vi jag du detta denna dessa""",
    "da": """og i at det en den til er som på de med af for ikke der var han et har
        hun sig men om fra kan jeg vi også efter når ville eller hvor skal være blev
        mange meget havde bliver deres nu disse dette kun""",
    "no": """og i det som en på er til at av for med den ikke de har et var om han seg
        men fra kan jeg vi også etter når skal være ble eller hvor mange mye hadde
        blir deres nå disse dette bare ikkje eg""",
    "fi": """ja on ei se että oli olla hän kun mutta ovat myös tai joka jos niin sekä
        vain kuin ole jo nyt sen hänen olen minä sinä me te he tämä tämän mitä miten
        kanssa mukaan vuoden jälkeen koska voi""",
    "cs": """a se na je v že to s z do o jako ale by k od jsou pro jeho není jak po
        byl jsem také který která které tak už jen nebo při bylo ani ve až když za
        mezi podle této tento této jsme být""",
    "hu": """a az és hogy nem is egy van meg de csak már ez azt mint még volt ki vagy
        el kell lesz lehet után mert sem én te ő mi ti ők ezt itt ott nagyon minden
        között szerint amely amelyek""",
    "ro": """și în de la a cu pe care din este un o nu se că au mai pentru fost ca
        sunt sau iar dar acest această după prin lui ei foarte fi poate despre între
        acum când unde cel cea""",
    "tr": """ve bir bu da de için ile çok daha ne gibi olarak ama en her kadar sonra
        olan var değil ise mi ya şey çünkü bunu ben sen biz siz onlar""",
    "ru": """и в не на что с по как это он из но она к у за то от так же все его
        для был она они мы вы я ты было только уже или бы если когда""",
    "uk": """і в не на що з по як це він із але вона до у за то від так же все його
        для був вони ми ви я ти було тільки вже або би якщо коли та які""",
    "bg": """и в не на че с по как това той от но тя към за да се са е за от ще
        беше бяха ние вие аз ти само вече или ако когато""",
}

#: Language code -> its stopwords.
PROFILES: dict[str, frozenset[str]] = {
    code: frozenset(words.split()) for code, words in _RAW.items()
}

#: Every stopword of every language (content-word filters use it).
ALL_STOPWORDS: frozenset[str] = frozenset().union(*PROFILES.values())
