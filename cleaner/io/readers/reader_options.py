"""The `readers:` section of config.yaml."""

from __future__ import annotations

from cleaner.options import Option

READER_OPTIONS: tuple[Option, ...] = (
    Option("text_field", str, "text", "JSONL/Parquet field holding the document text. Every *_field option may be a "
           "dotted path into nested objects or Parquet struct columns (metadata.url); a field set here that no record "
           "holds is a warning in the summary and stats.json."),
    Option("html_field", str, "html", "JSONL/Parquet field holding raw HTML; a record with HTML goes through the html stage."),
    Option("id_field", str, "id", "Field holding the record's own id; without it the id is `path:N`.", nullable=True),
    Option("duplicate_ids", str, "drop", "A record whose id an earlier record already has: drop (removed as a duplicate of "
           "the first: stage read, reason duplicate_id, duplicate_of set), error (an errors.parquet row) or rename (kept "
           "as ID@PATH:N).", choices=("drop", "error", "rename")),
    Option("url_field", str, "url", "Field holding the page URL.", nullable=True),
    Option("title_field", str, "title", "Field holding the title.", nullable=True),
    Option("date_field", str, "date", "Field holding the publication date.", nullable=True),
    Option("crawl_date_field", str, "crawl_date", "Field holding the date the page was fetched (kept apart from the publication date).", nullable=True),
    Option("author_field", str, "author", "Field holding the author.", nullable=True),
    Option("keep_fields", bool, True, "Keep the other fields of JSONL/Parquet records as JSON in the `metadata` column."),
    Option("max_record_mb", float, 32.0, "A record (file, line, row, WARC record) larger than this is an error row, never loaded.", minimum=0.001, maximum=4096),
    Option("max_errors", float, 0.1, "Fraction of unreadable records above which the run exits non-zero (outputs are still written).", minimum=0.0, maximum=1.0),
    Option("skip_hidden", bool, True, "Skip files and folders whose names start with a dot."),
    Option("plugins", list, [], "Readers from outside cleaner, as 'module:attr' naming a cleaner.io.readers.registry.Reader "
           "(its name, the extensions it claims, its read function); readers registered as entry points "
           "(group cleaner.readers) need no entry here.", item=str),
)
