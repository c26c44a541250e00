# SPDX-License-Identifier: MIT
"""ctypes mirrors of the library's growable structs and readable results.

Every public C struct starts with ``size_t struct_size``; ``new(cls)``
returns an instance with it set, so the library writes exactly the fields
this binding knows. ``Result`` turns a filled struct into a small immutable
object with named fields and a readable repr.
"""

import ctypes


class Struct(ctypes.Structure):
    """Base of the C struct mirrors (first field: struct_size)."""

    @classmethod
    def new(cls, **fields):
        obj = cls()
        obj.struct_size = ctypes.sizeof(cls)
        for key, value in fields.items():
            setattr(obj, key, value)
        return obj


class Result:
    """Named, read-only fields with a readable repr."""

    __slots__ = ("_fields",)

    def __init__(self, **fields):
        object.__setattr__(self, "_fields", dict(fields))

    def __getattr__(self, name):
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("results are read-only")

    def __eq__(self, other):
        return isinstance(other, Result) and self._fields == other._fields

    def as_dict(self):
        return dict(self._fields)

    def __repr__(self):
        def fmt(v):
            return "%.6g" % v if isinstance(v, float) else repr(v)
        body = ", ".join("%s=%s" % (k, fmt(v)) for k, v in self._fields.items())
        return "%s(%s)" % (type(self).__name__, body)


def to_result(cls, struct, skip=("struct_size",), **extra):
    """Copy every field of a ctypes struct (arrays become lists) into cls."""
    out = {}
    for name, ctype in struct._fields_:
        if name in skip:
            continue
        value = getattr(struct, name)
        if isinstance(value, ctypes.Array):
            value = list(value)
        out[name] = value
    out.update(extra)
    return cls(**out)
