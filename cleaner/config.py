"""config.yaml: loading, validation and the resolved form written next to the output.

The whole file is validated before any input is read. Every problem is reported as one line
that names the key path (`stages[2].dedup.threshold`), the bad value and what is allowed,
with a did-you-mean for misspelt names; the CLI turns it into exit code 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cleaner.errors import ConfigError
from cleaner.io.readers.reader_options import READER_OPTIONS
from cleaner.options import Option, Settings, did_you_mean, show, show_key, validate
from cleaner.stages import STAGES, UnknownStage, is_import_path, known_stages, stage_class
from cleaner.stages.base import Stage

OUTPUT_OPTIONS: tuple[Option, ...] = (
    Option("rows_per_file", int, 100_000, "Kept documents per data/part-NNNNN.parquet file.", minimum=1),
    Option("row_group_rows", int, 1024, "Rows per Parquet row group: small enough to stream, large enough to compress well.", minimum=1),
    Option("compression", str, "zstd", "Parquet compression codec.", choices=("zstd", "snappy", "gzip", "lz4", "none")),
    Option("compression_level", int, 1, "Codec level (zstd 1-22, gzip 1-9); ignored by codecs without levels. zstd 1 (Arrow's own default) writes markedly faster than 3 for somewhat larger files.", minimum=1, maximum=22),
)

EXECUTOR_OPTIONS: tuple[Option, ...] = (
    Option("batch_docs", int, 256, "Documents per batch sent to a worker.", minimum=1, maximum=1_000_000),
    Option("batch_mb", float, 8.0, "A batch is also closed once its text reaches this size.", minimum=0.01, maximum=4096),
    Option("read_mb", float, 64.0, "Input read by one read task: consecutive files up to this many MB on disk are "
           "read, decompressed and cut into batches by one worker; a larger file is a task alone.", minimum=0.01,
           maximum=1_048_576),
    Option("kind", str, "local", "Where batches run: local (a process pool on this machine), ray (Ray actors, on "
           "this machine or a cluster; needs `pip install 'cleaner[ray]'`), or 'module:attr' naming a factory of your "
           "own executor (see cleaner.executors). Outputs are identical either way."),
    Option("ray_address", str, None, "Ray cluster to join ('auto', 'ray://head:10001'); null starts Ray on this "
           "machine. On a cluster of several machines, --output must be on storage every node mounts (batches wait "
           "there between passes) and cleaner must be installed on every node.", nullable=True),
    Option("watchdog_s", float, 300.0, "A pool worker that makes no progress (finishes no document) for this many "
           "seconds is ended and its batch run once more; if that fails too, the batch's records become error rows. "
           "Must be above the html stage's timeout_s; 0 disables. Not used with -w 1 or kind: ray.", minimum=0),
)

SECTIONS = ("readers", "stages", "output", "executor")

@dataclass(frozen=True)
class StageSpec:
    """One entry of the `stages:` list, validated.

    `name` is the stage's own name (its stats, spans and removed rows carry it); `ref` is
    how config.yaml named it, a registered name or a `module:Class` path (`cleaner.stages`),
    and is what a worker resolves to build the stage."""

    name: str
    settings: Settings
    ref: str = ""

    def __post_init__(self) -> None:
        if not self.ref:
            object.__setattr__(self, "ref", self.name)

    @property
    def stage_class(self) -> type[Stage]:
        return stage_class(self.ref)


@dataclass(frozen=True)
class Config:
    """A validated configuration."""

    readers: Settings
    stages: tuple[StageSpec, ...]
    output: Settings
    executor: Settings
    source: str = "built-in defaults"

    def to_plain(self) -> dict[str, Any]:
        """The resolved config (every option, defaults filled in) as plain data."""
        return {
            "readers": self.readers.to_plain(),
            "stages": [{s.ref: s.settings.to_plain()} for s in self.stages],
            "output": self.output.to_plain(),
            "executor": self.executor.to_plain(),
        }

    def to_yaml(self) -> str:
        header = f"# Resolved configuration (from {self.source}): every option, defaults filled in.\n"
        return header + yaml.safe_dump(self.to_plain(), sort_keys=False, allow_unicode=True)


def load_config(path: Path | None) -> Config:
    """Read and validate `path`; None means the built-in defaults (all stages)."""
    if path is None:
        return parse_config({}, "built-in defaults")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} not found", "pass --config FILE or create config.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {str(path)!r} cannot be read: {exc}") from None
    try:
        data = load_yaml(text, str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: {problem}{where}") from None
    return parse_config(data if data is not None else {}, str(path))


#: The most values a config may expand to through YAML aliases (`*name`). The commented
#: default config is about 250; an alias bomb (nine lists of nine aliases of the previous
#: list) is 387 million, which safe_load builds cheaply by sharing nodes but which anything
#: that walks the value (validation, error messages) would take minutes and gigabytes over.
MAX_EXPANDED_VALUES = 10_000


def load_yaml(text: str, source: str) -> Any:
    """`yaml.safe_load(text)`, refusing documents whose aliases expand beyond
    `MAX_EXPANDED_VALUES` values before anything is built from them."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded = _expanded_size(node, MAX_EXPANDED_VALUES)
        if expanded > MAX_EXPANDED_VALUES:
            raise ConfigError(f"{source}: YAML aliases expand to more than {MAX_EXPANDED_VALUES:,} values; refused "
                              "(an alias bomb?)", "write the values out instead of repeating aliases of aliases")
        return loader.construct_document(node)
    except RecursionError:  # PyYAML composes and constructs recursively
        raise ConfigError(f"{source}: YAML nested too deeply; refused") from None
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes `root` stands for once every alias is expanded, counting up to just
    past `limit`: each distinct node is sized once (memoised), so this is linear in the
    document, not in its expansion. A node that contains itself counts once."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            return 1
        active.add(key)
        total = 1
        for child in _children(node):
            total += size(child)
            if total > limit:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def parse_config(data: Any, source: str) -> Config:
    """Validate already-parsed YAML data."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the top level must be a mapping with keys {', '.join(SECTIONS)}")
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(f"{show_key(key)}: unknown section{did_you_mean(key, SECTIONS)}; allowed: {', '.join(SECTIONS)}")
    executor = validate(data.get("executor"), EXECUTOR_OPTIONS, "executor")
    _check_executor(executor)
    stages = parse_stages(_stage_list(data))
    _check_watchdog(executor, stages)
    readers = validate(data.get("readers"), READER_OPTIONS, "readers")
    _check_reader_plugins(readers)
    return Config(
        readers=readers,
        stages=stages,
        output=validate(data.get("output"), OUTPUT_OPTIONS, "output"),
        executor=executor,
        source=source,
    )


def _stage_list(data: Mapping[str, Any]) -> Any:
    """The `stages:` list; every section is optional, and without this one (or with it
    empty: `stages:` and nothing after it) the default pipeline runs, so a config that only
    renames a field need not copy the stage list. `stages: []` runs no stage."""
    stages = data.get("stages")
    return list(STAGES) if stages is None else stages


def _check_reader_plugins(readers: Settings) -> None:
    """Every reader `readers.plugins` names imports and claims what no other reader does."""
    from cleaner.io.readers import readers_for
    from cleaner.io.readers.registry import UnknownReader

    for index in range(len(readers.plugins)):
        try:
            readers_for(tuple(readers.plugins[: index + 1]))
        except UnknownReader as exc:
            raise ConfigError(f"readers.plugins[{index}]: {exc}") from None


def _check_executor(executor: Settings) -> None:
    """A Ray run needs Ray installed: say so now, before any input is read."""
    import importlib.util

    from cleaner.executors import BUILT_IN, UnknownExecutor, executor_factory

    if executor.kind not in BUILT_IN:
        try:
            executor_factory(executor.kind)
        except UnknownExecutor as exc:
            raise ConfigError(f"executor.kind: {exc}; allowed: 'local', 'ray' or 'module:attr'") from None
    if executor.kind == "ray" and importlib.util.find_spec("ray") is None:
        raise ConfigError("executor.kind: 'ray' needs the ray package, which is not installed; allowed: 'local', 'ray' or 'module:attr'",
                          "pip install 'cleaner[ray]', or set executor.kind: local")


def _check_watchdog(executor: Settings, stages: tuple[StageSpec, ...]) -> None:
    """The watchdog must leave a page its whole html time limit, and then some."""
    limits = [(s.settings["timeout_s"], s.name) for s in stages if "timeout_s" in s.settings]
    limit, name = max(limits, default=(0, ""))
    if executor.watchdog_s and limit and executor.watchdog_s <= limit:
        raise ConfigError(f"executor.watchdog_s: {executor.watchdog_s:g} is not above the {name} stage's timeout_s ({limit:g}); "
                          "a worker would be ended while a page is still within its time limit",
                          f"set executor.watchdog_s well above {limit:g}, or 0 to disable the watchdog")


def parse_stages(items: Any) -> tuple[StageSpec, ...]:
    """Validate the ordered `stages:` list (names or one-key mappings of options)."""
    if not isinstance(items, list):
        raise ConfigError(f"stages: expected a list of stage names, got {type(items).__name__}; allowed stages: {', '.join(known_stages())}")
    specs: list[StageSpec] = []
    classes: list[type[Stage]] = []
    for index, item in enumerate(items):
        ref, options = _stage_entry(item, f"stages[{index}]")
        cls = _resolve(ref, f"stages[{index}]")
        if any(s.name == cls.name for s in specs):
            raise ConfigError(f"stages[{index}]: {cls.name!r} is listed twice; each stage runs at most once")
        settings = validate(options, cls.options, f"stages[{index}].{ref}")
        try:
            cls.check_settings(settings)
        except ValueError as exc:
            raise ConfigError(f"stages[{index}].{ref}: {exc}") from None
        specs.append(StageSpec(cls.name, settings, ref))
        classes.append(cls)
    _check_order(classes)
    return tuple(specs)


def _stage_entry(item: Any, where: str) -> tuple[str, Any]:
    if isinstance(item, str):
        name, options = item, None
    elif isinstance(item, Mapping) and len(item) == 1:
        name, options = next(iter(item.items()))
    else:
        raise ConfigError(f"{where}: expected a stage name or a one-key mapping {{name: {{options}}}}, got {show(item)}")
    if not isinstance(name, str):
        raise ConfigError(f"{where}: expected a stage name, got {show(name)}; allowed: {', '.join(known_stages())}")
    return name, options


def _resolve(ref: str, where: str) -> type[Stage]:
    """The stage class `ref` names, or a ConfigError naming `where` and the allowed names."""
    known = known_stages()
    if not is_import_path(ref) and ref not in known:
        raise ConfigError(f"{where}: unknown stage {show(ref)}{did_you_mean(ref, list(known))}; allowed: {', '.join(known)}",
                          "or name your own stage class as 'module:Class'")
    try:
        cls = stage_class(ref)
    except UnknownStage as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if is_import_path(ref) and cls.name in known and known[cls.name] != ref:
        raise ConfigError(f"{where}: {ref!r} is named {cls.name!r}, which is already the name of {known[cls.name]!r}",
                          "give the class another `name`")
    return cls


def _check_order(classes: list[type[Stage]]) -> None:
    """The order each stage class declares (`consumes_html`, `runs_after`)."""
    names = [cls.name for cls in classes]
    for position, cls in enumerate(classes):
        if cls.consumes_html and position != 0:
            raise ConfigError(f"stages[{position}]: {cls.name!r} must come first: it produces the text every other stage reads, so it must come first")
        for before, why in cls.runs_after:
            if before in names and names.index(before) > position:
                raise ConfigError(f"stages[{position}]: {cls.name!r} must come after {before!r}: {why}")
