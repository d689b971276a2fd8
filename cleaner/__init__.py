"""cleaner: turn a scraped web dump into a clean, deduplicated Parquet corpus."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
