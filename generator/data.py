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


def from_data(hint: Any, data: Any) -> Any:
    """The value of type ``hint`` that :func:`to_data` made ``data`` from; ValueError when
    ``data`` is not such a value."""
    return _decoder(hint)(data)


Decoder = typing.Callable[[Any], Any]


def _decoder(hint: Any) -> Decoder:
    """The function that reads a value of type ``hint`` (what :func:`from_data` does),
    worked out once per type: the type hints are not looked at again for every value.

    Kept by the hint and its spelling: ``date | str`` equals ``str | date``, but each
    tries its types in its own order. A hint that cannot be hashed is worked out anew."""
    try:
        return _kept_decoder(hint, repr(hint))
    except TypeError:
        return _make_decoder(hint)


@functools.cache
def _kept_decoder(hint: Any, spelling: str) -> Decoder:
    return _make_decoder(hint)


def _make_decoder(hint: Any) -> Decoder:
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        optional = type(None) in args
        choices = [_decoder(arg) for arg in args if arg is not type(None)]

        def union(data: Any) -> Any:
            if data is None and optional:
                return None
            for choice in choices:
                try:
                    return choice(data)
                except ValueError:
                    continue
            raise ValueError(f"no type of {hint} fits")

        return union
    if origin in (tuple, list):
        args = typing.get_args(hint)
        if not args:
            return _refuse(f"expected a list for {hint}")
        if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
            unsupported = _refuse(f"unsupported {hint}")

            def odd_tuple(data: Any) -> Any:
                if not isinstance(data, list):
                    raise ValueError(f"expected a list for {hint}")
                return unsupported(data)

            return odd_tuple
        item = _decoder(args[0])
        as_tuple = origin is tuple

        def sequence(data: Any) -> Any:
            if not isinstance(data, list):
                raise ValueError(f"expected a list for {hint}")
            items = [item(value) for value in data]
            return tuple(items) if as_tuple else items

        return sequence
    if origin is typing.Literal:
        allowed = typing.get_args(hint)

        def literal(data: Any) -> Any:
            if data not in allowed:
                raise ValueError(f"{data!r} is not one of {allowed}")
            return data

        return literal
    if hint is dt.date:

        def date(data: Any) -> Any:
            if not isinstance(data, str):
                raise ValueError("expected a date")
            return dt.date.fromisoformat(data)

        return date
    if hint in (str, bool, int):

        def plain(data: Any) -> Any:
            if hint is int and isinstance(data, bool):
                raise ValueError(f"unsupported type {hint}")
            if not isinstance(data, hint):
                raise ValueError(f"expected {hint.__name__}, got {type(data).__name__}")
            return data

        return plain
    return _refuse(f"unsupported type {hint}")


def _dataclass_decoder(cls: type) -> Decoder:
    """Its fields' decoders are worked out when it first reads an object (a dataclass
    may hold itself, or name a type defined later)."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    fields: list[tuple[str, Decoder]] = []

    def dataclass(data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"{cls.__name__}: expected an object")
        if data.keys() != names:
            raise ValueError(f"{cls.__name__}: fields {sorted(set(data) ^ names)}")
        if not fields:
            hints = typing.get_type_hints(cls)
            fields.extend((name, _decoder(hints[name])) for name in names)
        return cls(**{name: read(data[name]) for name, read in fields})

    return dataclass


def _refuse(message: str) -> Decoder:
    def refuse(data: Any) -> Any:
        raise ValueError(message)

    return refuse
