"""Function words of all supported languages, for telling content words from glue."""

from __future__ import annotations

from cleaner.stages.langid_data import ALL_STOPWORDS

#: Lowercase stopwords of every profile in `langid_data`.
STOPWORDS = ALL_STOPWORDS
