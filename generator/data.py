"""The model's dataclasses as plain JSON data and back, checked against their type hints.

The build cache keeps parsed digests as JSON (:mod:`generator.cache`), never as pickles:
the cache may come from somewhere else (the deploy workflow restores it from GitHub's
cache service), and reading data must not be able to run code. :func:`from_data` rebuilds
an object field by field from the class's type hints and raises :class:`ValueError` on
anything that does not fit (a missing or unknown field, a value of the wrong type).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def to_data(value: object) -> Any:
    """``value`` (a dataclass of str, int, bool, None, dates, tuples and lists of these and
    of dataclasses) as JSON-ready data: dataclasses become objects, dates ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in the cache")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(hint: Any, data: Any) -> Any:
    """The value of type ``hint`` that :func:`to_data` made ``data`` from; ValueError when
    ``data`` is not such a value."""
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise ValueError(f"{hint.__name__}: expected an object")
        names = {f.name for f in dataclasses.fields(hint)}
        if set(data) != names:
            raise ValueError(f"{hint.__name__}: fields {sorted(set(data) ^ names)}")
        hints = _hints(hint)
        return hint(**{name: from_data(hints[name], data[name]) for name in names})
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if data is None and type(None) in args:
            return None
        for arg in args:
            if arg is not type(None):
                try:
                    return from_data(arg, data)
                except ValueError:
                    continue
        raise ValueError(f"no type of {hint} fits")
    if origin in (tuple, list):
        args = typing.get_args(hint)
        if not isinstance(data, list) or not args:
            raise ValueError(f"expected a list for {hint}")
        if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
            raise ValueError(f"unsupported {hint}")
        items = [from_data(args[0], item) for item in data]
        return tuple(items) if origin is tuple else items
    if origin is typing.Literal:
        if data not in typing.get_args(hint):
            raise ValueError(f"{data!r} is not one of {typing.get_args(hint)}")
        return data
    if hint is dt.date:
        if not isinstance(data, str):
            raise ValueError("expected a date")
        return dt.date.fromisoformat(data)
    if hint in (str, bool) or (hint is int and not isinstance(data, bool)):
        if not isinstance(data, hint):
            raise ValueError(f"expected {hint.__name__}, got {type(data).__name__}")
        return data
    raise ValueError(f"unsupported type {hint}")
