"""Language knowledge shared by the stages and the dedup engine: offline language
identification (`detect`) and the function words of every supported language (`profiles`).

It sits on the ground floor beside `document`: stages (quality's language allow-list, the
boilerplate line features) and the engine (passage dedup's uninformative words) import it;
it imports nothing of cleaner's.
"""

from cleaner.lang.detect import UNDETERMINED, detect
from cleaner.lang.profiles import ALL_STOPWORDS, PROFILES

__all__ = ["ALL_STOPWORDS", "PROFILES", "UNDETERMINED", "detect"]
