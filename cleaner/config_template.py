"""The commented default config.yaml, generated from the option schemas.

The schemas are the single source of truth: the shipped config.yaml is this text (a test
keeps them in sync), and `clean config --defaults` prints it.
"""

from __future__ import annotations

from typing import Any

import yaml

from cleaner.config import EXECUTOR_OPTIONS, OUTPUT_OPTIONS
from cleaner.io.readers.reader_options import READER_OPTIONS
from cleaner.options import Option
from cleaner.stages import STAGES, stage_class

HEADER = """\
# cleaner configuration: every option with its default value and what it does.
# Every section and option is optional: what a file leaves out keeps its default, and a
# file without `stages:` runs the default stages below. Stages run in the order listed; a
# stage left out of the list is skipped. Each item is a stage name or a one-key mapping
# {name: {options}}. `clean config --check FILE` validates a file.
"""


def default_config_text() -> str:
    """config.yaml with every option at its default, each preceded by its documentation."""
    parts = [HEADER, "readers:\n", _options(READER_OPTIONS, 2), "\nstages:\n"]
    for name in STAGES:
        cls = stage_class(name)
        summary = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        parts.append(f"  # {name}: {summary}\n" if summary else "")
        parts.append(f"  - {name}:\n" + _options(cls.options, 6) if cls.options else f"  - {name}\n")
    parts += ["\noutput:\n", _options(OUTPUT_OPTIONS, 2), "\nexecutor:\n", _options(EXECUTOR_OPTIONS, 2)]
    return "".join(parts)


def _options(schema: tuple[Option, ...], indent: int) -> str:
    pad = " " * indent
    lines: list[str] = []
    for opt in schema:
        doc = opt.doc.strip()
        doc = doc[0].upper() + doc[1:] + ("" if doc.endswith(".") else ".")
        lines.append(f"{pad}# {doc} Allowed: {opt.allowed()}.")
        if opt.kind is dict:
            lines.append(f"{pad}{opt.name}:")
            lines.append(_options(opt.fields, indent + 2).rstrip("\n"))
        else:
            lines.append(f"{pad}{opt.name}: {_scalar(opt.default)}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, tuple):
        value = list(value)
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("\n...").removesuffix("...").strip()
