# SPDX-License-Identifier: MIT
"""ctypes mirrors of the library's growable structs, and the result base class.

Every public C struct starts with ``size_t struct_size``; ``new(cls)``
returns an instance with it set, so the library writes exactly the fields
this binding knows.

Results are frozen dataclasses deriving from ``Result``: their fields show
in ``dir()``, tab completion and ``dataclasses.fields``; they compare by
value, convert with ``dataclasses.asdict`` (or ``as_dict()``), pickle, and
print readably (floats to 6 significant digits). Fixed-size C arrays
become lists, as in the 1.0 binding (so results holding arrays are not
hashable; the others are).
"""

import ctypes
import dataclasses
from typing import Any, Dict, Type, TypeVar

R = TypeVar("R", bound="Result")


class Struct(ctypes.Structure):
    """Base of the C struct mirrors (first field: struct_size)."""

    @classmethod
    def new(cls, **fields: Any) -> Any:
        obj = cls()
        obj.struct_size = ctypes.sizeof(cls)
        for key, value in fields.items():
            setattr(obj, key, value)
        return obj


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "%.6g" % v
    if isinstance(v, list) and v and all(isinstance(x, float) for x in v):
        return "[" + ", ".join("%.6g" % x for x in v) + "]"
    return repr(v)


class Result:
    """Base of the result dataclasses: readable repr and ``as_dict()``."""

    def as_dict(self) -> Dict[str, Any]:
        """The fields as a dict (``dataclasses.asdict``)."""
        return dataclasses.asdict(self)

    def __repr__(self) -> str:
        body = ", ".join("%s=%s" % (f.name, _fmt(getattr(self, f.name)))
                         for f in dataclasses.fields(self)
                         if f.repr)
        return "%s(%s)" % (type(self).__name__, body)


_PLANS: Dict[Any, Any] = {}


def _plan(cls: Any, struct_type: Any, skip: Any) -> Any:
    """(names read from the struct, array-typed among them, defaults, all
    field names) for building ``cls`` from ``struct_type``; computed once."""
    key = (cls, struct_type, tuple(skip))
    plan = _PLANS.get(key)
    if plan is None:
        fields = dataclasses.fields(cls)
        names = {f.name for f in fields}
        taken = [(n, isinstance(getattr(struct_type, n, None), property) or
                  (isinstance(t, type) and issubclass(t, ctypes.Array)))
                 for n, t in struct_type._fields_ if n not in skip and n in names]
        defaults = {f.name: f.default for f in fields
                    if f.default is not dataclasses.MISSING}
        factories = {f.name: f.default_factory for f in fields
                     if f.default_factory is not dataclasses.MISSING}
        plan = _PLANS[key] = (tuple(taken), defaults, factories, frozenset(names))
    return plan


def to_result(cls: Type[R], struct: Any, skip: Any = ("struct_size",), **extra: Any) -> R:
    """Build the dataclass ``cls`` from a filled ctypes struct.

    Every dataclass field must come from the struct (arrays become lists),
    from ``extra`` or from its default; a field missing from all three is
    a bug, caught here. The instance is filled directly (no ``__init__``):
    results are built on every call, and a frozen dataclass's ``__init__``
    costs a microsecond per handful of fields.
    """
    taken, defaults, factories, names = _plan(cls, type(struct), skip)
    out: Dict[str, Any] = dict(defaults)
    for name, fac in factories.items():
        out[name] = fac()
    for name, is_array in taken:
        value = getattr(struct, name)
        out[name] = list(value) if is_array else value
    out.update(extra)
    if len(out) != len(names) or not names.issuperset(out):
        return cls(**out)  # reports the missing or unknown field
    obj = object.__new__(cls)
    obj.__dict__.update(out)
    return obj
