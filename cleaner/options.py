"""Declarative option schemas and their validation.

Each stage (and each config section) declares its options as a tuple of `Option`s. The
validator checks a user's mapping against it and fails on the first problem with a one-line
message that names the key path, the bad value and what is allowed, with a did-you-mean for
misspelt keys. Validated options come back as a read-only `Settings` mapping.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cleaner.errors import ConfigError

_TYPE_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
_PLURAL_NAMES: dict[type | None, str] = {bool: "booleans", int: "integers", float: "numbers", str: "strings"}


@dataclass(frozen=True)
class Option:
    """One configurable value: its type, default, allowed range and a line of documentation.

    `kind` is bool, int, float, str, list (of `item` values) or dict (a nested group of
    `fields`). `nullable` admits YAML null. `choices` restricts strings (or ints) to a set.
    """

    name: str
    kind: type
    default: Any
    doc: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    item: type | None = None
    fields: tuple[Option, ...] = ()

    def allowed(self) -> str:
        """Human description of the allowed values, for error messages."""
        if self.choices is not None:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.kind is dict:
            text = "a mapping with keys " + ", ".join(f.name for f in self.fields)
        elif self.kind is list:
            text = "a list of " + _PLURAL_NAMES.get(self.item, "values")
        else:
            text = _TYPE_NAMES[self.kind]
            if self.minimum is not None and self.maximum is not None:
                text += f" from {self.minimum} to {self.maximum}"
            elif self.minimum is not None:
                text += f" >= {self.minimum}"
            elif self.maximum is not None:
                text += f" <= {self.maximum}"
        return text + (" or null" if self.nullable else "")


class Settings(Mapping[str, Any]):
    """Validated, read-only options with attribute access (`settings.threshold`)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("Settings are read-only")

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Settings, (self._values,))

    def to_plain(self) -> dict[str, Any]:
        """Nested plain dicts, for YAML/JSON output."""
        return {k: _plain(v) for k, v in self._values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Settings):
        return value.to_plain()
    if isinstance(value, tuple):
        return list(value)
    return value


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or ''."""
    close = difflib.get_close_matches(show_key(word), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def defaults(schema: tuple[Option, ...]) -> Settings:
    """The schema's defaults, nested groups included."""
    return validate({}, schema, "")


def validate(values: Any, schema: tuple[Option, ...], path: str) -> Settings:
    """Check `values` (a mapping or None) against `schema`; return complete Settings.

    Raises ConfigError naming `path.key` on the first unknown key, wrong type or value out
    of range.
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise ConfigError(f"{path or 'config'}: expected a mapping, got {show(values)}")
    known = {opt.name: opt for opt in schema}
    for key in values:
        if key not in known:
            where = f"{path}.{show_key(key)}" if path else show_key(key)
            raise ConfigError(
                f"{where}: unknown option{did_you_mean(key, list(known))}; "
                f"allowed: {', '.join(known) or 'none'}"
            )
    out = {}
    for opt in schema:
        where = f"{path}.{opt.name}" if path else opt.name
        out[opt.name] = check_value(values.get(opt.name, opt.default), opt, where)
    return Settings(out)


def check_value(value: Any, opt: Option, where: str) -> Any:
    """Validate one value against its option; return it normalised (ints as floats etc.)."""
    if value is None:
        if opt.nullable:
            return None
        if opt.kind is dict:
            return validate({}, opt.fields, where)
        raise ConfigError(f"{where}: null is not allowed; expected {opt.allowed()}")
    if opt.kind is dict:
        return validate(value, opt.fields, where)
    if opt.kind is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {show(value)} is not a list; expected {opt.allowed()}")
        item = Option(opt.name, opt.item or str, None, "", choices=opt.choices)
        return tuple(check_value(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    value = _coerce(value, opt, where)
    if opt.choices is not None and value not in opt.choices:
        hint = did_you_mean(value, [str(c) for c in opt.choices]) if isinstance(value, str) else ""
        raise ConfigError(f"{where}: {show(value)} is not allowed{hint}; expected {opt.allowed()}")
    if opt.minimum is not None and value < opt.minimum:
        raise ConfigError(f"{where}: {show(value)} is out of range; expected {opt.allowed()}")
    if opt.maximum is not None and value > opt.maximum:
        raise ConfigError(f"{where}: {show(value)} is out of range; expected {opt.allowed()}")
    return value


def _coerce(value: Any, opt: Option, where: str) -> Any:
    kind = opt.kind
    ok = (
        isinstance(value, bool)
        if kind is bool
        else isinstance(value, int) and not isinstance(value, bool)
        if kind is int
        else isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind is float
        else isinstance(value, kind)
    )
    if not ok:
        raise ConfigError(f"{where}: {show(value)} has the wrong type; expected {opt.allowed()}")
    return float(value) if kind is float else value


#: How config errors render a bad value: a bounded walk (a few items per level, a few
#: levels), so that a huge value (a YAML alias bomb expands to billions of items) costs no
#: more to show than a small one; then at most `SHOW_CHARS` characters of it.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 3, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 64, 64, 40
SHOW_CHARS = 60


def show(value: Any) -> str:
    """A short prefix of `repr(value)`, computed in bounded time and space."""
    text = _REPR.repr(value)
    return text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 3] + "..."


def show_key(key: Any) -> str:
    """A mapping key as it appears in a key path (`stages[0].dedup.KEY`), shortened."""
    text = key if isinstance(key, str) else show(key)
    return text if len(text) <= 40 else text[:37] + "..."

