"""Value classes declared like dataclasses, but built without generating code.

``dataclasses`` compiles an ``__init__`` (and, frozen, ``__setattr__``, ``__hash__`` ...) for
every class with ``exec`` when its module is imported: about a millisecond a class, which
every ``bpgrade`` command would pay at start-up. A :class:`Record` reads the same
annotations and defaults once per class and shares one ``__init__``.

    class Problem(Record, frozen=True):
        seed: int
        layers: tuple
        hints: dict = factory(dict)
"""

from __future__ import annotations


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def factory(make) -> _Factory:
    """A default made fresh for each instance (``dataclasses.field(default_factory=...)``)."""
    return _Factory(make)


class Record:
    """Fields are the annotated names, in order; ``frozen`` forbids assignment, ``eq``
    compares by value (otherwise records compare by identity)."""

    _fields: tuple = ()
    _defaults: dict = {}
    _frozen = False

    def __init_subclass__(cls, frozen: bool | None = None, eq: bool = False, **kwargs):
        super().__init_subclass__(**kwargs)
        names, defaults = [], {}
        for klass in reversed(cls.__mro__):
            for name in vars(klass).get("__annotations__", {}):
                if name.startswith("_"):
                    continue
                if name not in names:
                    names.append(name)
                if name in vars(klass):
                    defaults[name] = vars(klass)[name]
        cls._fields = tuple(names)
        cls._defaults = defaults
        if frozen is not None:
            cls._frozen = frozen
        if eq:
            cls.__eq__ = _equal
            cls.__hash__ = _hash if cls._frozen else None

    def __init__(self, *args, **kwargs):
        fields = self._fields
        name = type(self).__name__
        if len(args) > len(fields):
            raise TypeError(f"{name}() takes {len(fields)} arguments, {len(args)} given")
        values = dict(zip(fields, args))
        for key, value in kwargs.items():
            if key not in fields or key in values:
                raise TypeError(f"{name}() got an unexpected or repeated argument {key!r}")
            values[key] = value
        for field in fields:
            if field in values:
                value = values[field]
            elif field in self._defaults:
                default = self._defaults[field]
                value = default.make() if isinstance(default, _Factory) else default
            else:
                raise TypeError(f"{name}() is missing the argument {field!r}")
            object.__setattr__(self, field, value)

    def __setattr__(self, name, value):
        if self._frozen:
            raise AttributeError(f"{type(self).__name__} is read-only")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if self._frozen:
            raise AttributeError(f"{type(self).__name__} is read-only")
        object.__delattr__(self, name)

    def __repr__(self) -> str:
        inner = ", ".join(f"{field}={getattr(self, field)!r}" for field in self._fields)
        return f"{type(self).__name__}({inner})"


def _values(record) -> tuple:
    return tuple(getattr(record, field) for field in record._fields)


def _equal(self, other):
    if type(other) is not type(self):
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self):
    return hash(_values(self))


def asdict(value):
    """Records, and the lists, tuples and dicts holding them, as plain data."""
    if isinstance(value, Record):
        return {field: asdict(getattr(value, field)) for field in value._fields}
    if isinstance(value, (list, tuple)):
        return type(value)(asdict(item) for item in value)
    if isinstance(value, dict):
        return {key: asdict(item) for key, item in value.items()}
    return value


def replace(record, **changes):
    """A copy of ``record`` with some fields changed."""
    values = {field: getattr(record, field) for field in record._fields}
    values.update(changes)
    return type(record)(**values)
