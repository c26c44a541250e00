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
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    def __repr__(self) -> str:
        body = ", ".join("%s=%s" % (f.name, _fmt(getattr(self, f.name)))
                         for f in dataclasses.fields(self)  # type: ignore[arg-type]
                         if f.repr)
        return "%s(%s)" % (type(self).__name__, body)


def to_result(cls: Type[R], struct: Any, skip: Any = ("struct_size",), **extra: Any) -> R:
    """Build the dataclass ``cls`` from a filled ctypes struct.

    Every dataclass field must come from the struct (arrays become lists)
    or from ``extra``; a field missing from both is a bug caught here.
    """
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    out: Dict[str, Any] = {}
    for name, _ in struct._fields_:
        if name in skip or name not in names:
            continue
        value = getattr(struct, name)
        if isinstance(value, ctypes.Array):
            value = list(value)
        out[name] = value
    out.update(extra)
    return cls(**out)
