"""Cutting the stage list into segments at every global stage.

Per-document stages stream; a global stage (dedup, passages) is a barrier: every document
must be sketched before any can be decided. So `[html, encoding, dedup, boilerplate,
passages]` becomes three passes over the data:

1. html, encoding, then sketch for dedup;
2. apply dedup's decisions, boilerplate, then sketch for passages;
3. apply passages' decisions.

Between passes the surviving documents wait in a compact on-disk intermediate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cleaner.stages.base import GlobalStage


@dataclass(slots=True)
class Segment:
    """One pass: apply a global decision, run per-document stages, sketch for the next."""

    apply_global: str | None = None
    stages: list[str] = field(default_factory=list)
    sketch_global: str | None = None


def plan_segments(stage_names: list[str], is_global: dict[str, bool]) -> list[Segment]:
    """The passes needed to run `stage_names` in order."""
    segments = [Segment()]
    for name in stage_names:
        if is_global[name]:
            segments[-1].sketch_global = name
            segments.append(Segment(apply_global=name))
        else:
            segments[-1].stages.append(name)
    return segments


def global_flags(stages: Mapping[str, object]) -> dict[str, bool]:
    return {name: isinstance(stage, GlobalStage) for name, stage in stages.items()}
