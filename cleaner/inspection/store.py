"""Access to the files of one output folder, with filters pushed down to Parquet."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import yaml

from cleaner.errors import OutputError


class OutputStore:
    """A cleaner output folder opened for reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not (path / "stats.json").is_file():
            raise OutputError(f"{str(path)!r} is not a cleaner output folder (no stats.json)", "run `clean run` first or pass --output DIR")

    @cached_property
    def stats(self) -> dict[str, Any]:
        return json.loads((self.path / "stats.json").read_text())

    @cached_property
    def config(self) -> dict[str, Any]:
        return yaml.safe_load((self.path / "config.resolved.yaml").read_text())

    def stage_options(self, name: str) -> dict[str, Any] | None:
        for entry in self.config.get("stages", []):
            if name in entry:
                return entry[name]
        return None

    def clusters(self) -> pa.Table:
        return pq.read_table(self.path / "clusters.parquet")

    def rows(self, name: str, column: str, value: str) -> list[dict[str, Any]]:
        """Rows of output file `name` (`data` = all parts) whose `column` equals `value`."""
        target = self.path / "data" if name == "data" else self.path / name
        dataset = ds.dataset(target, format="parquet")
        return dataset.to_table(filter=pc.field(column) == value).to_pylist()

    def first(self, name: str, column: str, value: str) -> dict[str, Any] | None:
        found = self.rows(name, column, value)
        return found[0] if found else None
