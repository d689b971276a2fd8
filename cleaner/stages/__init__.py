"""Stages: one module per concern, found through an open registry.

A stage is named in `stages:` in one of three ways:

- a built-in name (`STAGES`, below);
- a name another installed package registers under the entry-point group `cleaner.stages`
  (`[project.entry-points."cleaner.stages"] shout = "mypkg.stages:Shout"`);
- an import path `module:Class`, for a stage that is not packaged at all.

Each resolves to a subclass of `Transform`, `Filter` or `GlobalStage` (`cleaner.stages.base`).
Names map to import paths so that validating a config does not import heavy libraries
(trafilatura, ftfy) until a stage is actually built.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib.metadata import entry_points
from types import MappingProxyType

from cleaner.plugins import import_object
from cleaner.stages.base import Filter, GlobalStage, Stage, Transform

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

ENTRY_POINT_GROUP = "cleaner.stages"

_ROLES = (Transform, Filter, GlobalStage)


class UnknownStage(LookupError):
    """A stage reference that names no stage; the message says why."""


@functools.cache
def known_stages() -> Mapping[str, str]:
    """Every stage name a config may use -> its import path: built-ins, then those other
    packages register (a built-in name cannot be taken over). Looked up once per process:
    every stage of every config asks, and scanning the installed packages is not free."""
    found = dict(STAGES)
    for point in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(point.name, point.value)
    return MappingProxyType(found)


def is_import_path(reference: str) -> bool:
    """Whether `reference` is a `module:Class` path rather than a registered name."""
    return ":" in reference


def stage_class(reference: str) -> type[Stage]:
    """The stage class a config entry names (a registered name or `module:Class`).

    Raises UnknownStage when the name is not registered, the path cannot be imported, or it
    is not a stage class."""
    target = reference if is_import_path(reference) else known_stages().get(reference)
    if target is None:
        raise UnknownStage(f"unknown stage {reference!r}")
    cls = import_object(target, UnknownStage, f"stage {reference!r}")
    if not (isinstance(cls, type) and issubclass(cls, _ROLES)):
        raise UnknownStage(
            f"{target!r} is not a stage: expected a subclass of Transform, Filter or GlobalStage (cleaner.stages.base)"
        )
    if not isinstance(getattr(cls, "name", None), str):
        raise UnknownStage(f"{target!r} has no `name` class attribute (the stage's name in stats and spans)")
    return cls
