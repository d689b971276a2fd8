"""Cutting the stage list into passes (`cleaner.pipeline.plan`): every global stage ends the
pass that sketches for it and opens the pass that applies its decisions, and a drop-only
global stage at the very end makes the last pass a filter over parked rows
(`cleaner.pipeline.runner.final_pass_filters`)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from cleaner.config import parse_config
from cleaner.document import Document
from cleaner.options import Settings
from cleaner.pipeline.plan import Segment, global_flags, plan_segments
from cleaner.pipeline.runner import final_pass_filters
from cleaner.pipeline.worker import StageRunner
from cleaner.stages.base import Collector, Drop, Edit, Filter, GlobalStage, Transform

#: The built-in stages' roles: templates, dedup and passages are global.
FLAGS = {"html": False, "encoding": False, "boilerplate": False, "templates": True,
         "quality": False, "dedup": True, "passages": True}


def seg(apply: str | None, stages: list[str], sketch: str | None) -> Segment:
    return Segment(apply_global=apply, stages=stages, sketch_global=sketch)


PLANS = {
    "no stages: one empty pass": ([], [seg(None, [], None)]),
    "only per-document stages: one pass": (
        ["html", "encoding", "quality"],
        [seg(None, ["html", "encoding", "quality"], None)],
    ),
    "one global in the middle": (
        ["html", "encoding", "dedup", "boilerplate"],
        [seg(None, ["html", "encoding"], "dedup"), seg("dedup", ["boilerplate"], None)],
    ),
    "the module docstring's example: three passes": (
        ["html", "encoding", "dedup", "boilerplate", "passages"],
        [seg(None, ["html", "encoding"], "dedup"), seg("dedup", ["boilerplate"], "passages"), seg("passages", [], None)],
    ),
    "two globals in a row: a pass with no per-document stage between them": (
        ["quality", "dedup", "passages", "encoding"],
        [seg(None, ["quality"], "dedup"), seg("dedup", [], "passages"), seg("passages", ["encoding"], None)],
    ),
    "a global first: the first pass only sketches": (
        ["templates", "quality"],
        [seg(None, [], "templates"), seg("templates", ["quality"], None)],
    ),
    "a global last: the last pass only applies it": (
        ["html", "quality", "dedup"],
        [seg(None, ["html", "quality"], "dedup"), seg("dedup", [], None)],
    ),
    "a global alone": (["dedup"], [seg(None, [], "dedup"), seg("dedup", [], None)]),
    "every built-in stage, in the default order": (
        ["html", "encoding", "boilerplate", "templates", "quality", "dedup", "passages"],
        [seg(None, ["html", "encoding", "boilerplate"], "templates"), seg("templates", ["quality"], "dedup"),
         seg("dedup", [], "passages"), seg("passages", [], None)],
    ),
}


@pytest.mark.parametrize(("names", "expected"), list(PLANS.values()), ids=list(PLANS))
def test_plan_segments(names: list[str], expected: list[Segment]) -> None:
    assert plan_segments(names, FLAGS) == expected


def test_plan_segments_leaves_its_argument_alone() -> None:
    names = ["html", "dedup", "quality"]
    plan_segments(names, FLAGS)
    assert names == ["html", "dedup", "quality"]


def test_segments_do_not_share_their_stage_lists() -> None:
    """`Segment.stages` is a fresh list per segment (a shared default would make every
    pass run every per-document stage)."""
    first, second = plan_segments(["html", "dedup", "quality"], FLAGS)
    assert first.stages is not second.stages
    assert Segment().stages is not Segment().stages


@pytest.mark.parametrize("length", range(6))
def test_every_role_pattern_keeps_order_and_chains_the_globals(length: int) -> None:
    """For every pattern of roles up to five stages: the passes run each stage once in the
    configured order, a pass begins by applying the global its predecessor sketched, there
    is one pass more than there are global stages, and no pass applies or sketches a
    per-document stage."""
    for roles in itertools.product((False, True), repeat=length):
        names = [f"{'g' if is_global else 's'}{i}" for i, is_global in enumerate(roles)]
        flags = dict(zip(names, roles))
        segments = plan_segments(names, flags)
        assert len(segments) == 1 + sum(roles)
        assert segments[0].apply_global is None and segments[-1].sketch_global is None
        for before, after in itertools.pairwise(segments):
            assert before.sketch_global is not None and after.apply_global == before.sketch_global
        order: list[str] = []
        for segment in segments:
            assert all(not flags[name] for name in segment.stages)
            order += segment.stages
            if segment.sketch_global is not None:
                assert flags[segment.sketch_global]
                order.append(segment.sketch_global)
        assert order == names


# global_flags ---------------------------------------------------------------------------


class _Upper(Transform):
    name = "upper"

    def transform(self, doc: Document) -> Edit:
        return Edit(doc.text.upper())


class _Short(Filter):
    name = "short"

    def check(self, doc: Document) -> Drop | None:
        return None


class _Global(GlobalStage):
    name = "everything"

    def sketch(self, docs: list[Document]) -> Any:
        return len(docs)

    def collector(self, workdir: Any) -> Collector:
        raise NotImplementedError

    def apply(self, doc: Document, decision: Any) -> Edit | Drop | None:
        return None


def test_global_flags_marks_only_global_stages_in_order() -> None:
    settings = Settings({})
    stages = {"upper": _Upper(settings), "everything": _Global(settings), "short": _Short(settings)}
    flags = global_flags(stages)
    assert flags == {"upper": False, "everything": True, "short": False}
    assert list(flags) == ["upper", "everything", "short"]
    assert plan_segments(list(stages), flags) == [seg(None, ["upper"], "everything"), seg("everything", ["short"], None)]


def test_global_flags_of_the_built_in_stages() -> None:
    runner = StageRunner(parse_config({"stages": list(FLAGS)}, "test"))
    assert global_flags(runner.stages) == FLAGS


# The segments the runner plans, and when its last pass only filters ------------------------

FINAL_FILTER = {
    # dedup only ever drops: a last pass that only applies it filters parked rows.
    "dedup last": (["quality", "dedup"], True),
    "dedup alone": (["dedup"], True),
    "dedup last after another global": (["boilerplate", "passages", "dedup"], True),
    # passages and templates edit, so their last pass runs in the workers.
    "passages last": (["boilerplate", "dedup", "passages"], False),
    "templates last": (["quality", "templates"], False),
    # a per-document stage after dedup runs in the last pass: not a filter-only pass.
    "a stage after dedup": (["dedup", "quality"], False),
    "no global stage": (["encoding", "quality"], False),
    "no stage": ([], False),
}


@pytest.mark.parametrize(("names", "filters"), list(FINAL_FILTER.values()), ids=list(FINAL_FILTER))
def test_final_pass_filters(names: list[str], filters: bool) -> None:
    runner = StageRunner(parse_config({"stages": names}, "test"))
    assert runner.segments == plan_segments(names, FLAGS)
    assert final_pass_filters(runner) is filters


def test_a_final_filter_pass_needs_a_drop_only_stage() -> None:
    """The same plan, with the last global stage's `drops_only` flipped."""
    settings = Settings({})
    segments = plan_segments(["everything"], {"everything": True})
    stage = _Global(settings)
    runner: Any = SimpleNamespace(segments=segments, stages={"everything": stage})
    assert final_pass_filters(runner) is False
    stage.drops_only = True
    assert final_pass_filters(runner) is True
