"""`module:attr` import paths, the way config.yaml names code from outside the package
(stages, readers, executors). Each registry checks what it gets back; this module only
turns a path into the object, with one-line errors a config check can show as they are.
"""

from __future__ import annotations

import importlib
from typing import Any


def split_import_path(reference: str) -> tuple[str, str] | None:
    """(module, attribute) of `module:attr`, or None when `reference` is not of that form."""
    module_name, sep, attr = reference.partition(":")
    return (module_name, attr) if sep and module_name and attr else None


def import_object(target: str, error: type[Exception], what: str) -> Any:
    """The object `target` ("module:attr") names, or None when its module has no such
    attribute. Raises `error` ("cannot import ... for WHAT: ...") when the module cannot
    be imported: any failure of a user's module is a problem with the config naming it."""
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise error(f"cannot import {module_name!r} for {what}: {type(exc).__name__}: {exc}") from None
    return getattr(module, attr, None)
