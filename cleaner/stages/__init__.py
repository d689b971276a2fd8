"""Stages: one module per concern, looked up by their config name.

The registry maps names to import paths so that validating a config does not import heavy
libraries (trafilatura, ftfy) until a stage is actually built.
"""

from __future__ import annotations

import importlib

from cleaner.stages.base import Stage

#: Config name -> "module:Class". The order is the order of the default pipeline.
STAGES: dict[str, str] = {
    "html": "cleaner.stages.html:HtmlExtract",
    "encoding": "cleaner.stages.encoding:EncodingRepair",
    "boilerplate": "cleaner.stages.boilerplate:Boilerplate",
    "templates": "cleaner.stages.templates:SiteTemplates",
    "quality": "cleaner.stages.quality:QualityFilter",
    "dedup": "cleaner.stages.dedup:DocumentDedup",
    "passages": "cleaner.stages.passages:PassageDedup",
}


def stage_class(name: str) -> type[Stage]:
    """Import and return the class registered under `name`."""
    module, _, attr = STAGES[name].partition(":")
    return getattr(importlib.import_module(module), attr)
