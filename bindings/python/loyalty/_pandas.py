# SPDX-License-Identifier: MIT
"""pandas in and out, without importing pandas unless the caller uses it.

``import loyalty`` must work in a bare interpreter, so pandas is detected
through ``sys.modules`` (an object cannot be a DataFrame unless pandas was
imported) and imported only by the functions that build DataFrames.

Conventions: pandas in, pandas out (a Series aligned to the caller's
index); arrays in, arrays out. Inputs are used positionally, as the C
library sees them: when two Series with different indexes are passed
together that is an error, never a silent realignment.
"""

import math
import sys
from typing import Any, List, Optional, Sequence, Tuple

from .errors import (LoyaltyError, EEMPTY, EINCONSISTENT, ESCALE, ENONFINITE, EORDER,
                     EOVERFLOW)

# Codes that are about the data itself: the columns are named even when
# the library reports no row (an empty input, an overflowing sum).
_DATA_CODES = (EEMPTY, EINCONSISTENT, ESCALE, ENONFINITE, EORDER, EOVERFLOW)


def pandas() -> Any:
    """The pandas module, or an ImportError that says how to get it."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("this function returns pandas objects: install pandas "
                          "(pip install 'loyalty[pandas]', or apt-get install "
                          "python3-pandas)") from None
    return pd


def numpy() -> Any:
    """The numpy module, or an ImportError that says how to get it."""
    try:
        import numpy as np
    except ImportError:
        raise ImportError("this function needs numpy (pip install 'loyalty[numpy]', "
                          "or apt-get install python3-numpy)") from None
    return np


def _pd_loaded() -> Any:
    return sys.modules.get("pandas")


def is_series(obj: Any) -> bool:
    pd = _pd_loaded()
    return pd is not None and isinstance(obj, pd.Series)


def is_frame(obj: Any) -> bool:
    pd = _pd_loaded()
    return pd is not None and isinstance(obj, pd.DataFrame)


def is_pandas(obj: Any) -> bool:
    pd = _pd_loaded()
    return pd is not None and isinstance(obj, (pd.Series, pd.DataFrame, pd.Index))


def index_of(*pairs: Tuple[str, Any]) -> Any:
    """The pandas index shared by the Series/DataFrames among ``pairs``
    ((name, value) pairs), or None when there is none.

    Raises ValueError when two of them have different indexes: the library
    works positionally and would pair rows that pandas would not.
    """
    pd = _pd_loaded()
    if pd is None:
        return None
    found = None
    found_name = ""
    kinds = (pd.Series, pd.DataFrame)
    for name, obj in pairs:
        if not isinstance(obj, kinds):
            continue
        idx = obj.index
        if found is None:
            found, found_name = idx, name
        elif idx is not found and not idx.equals(found):
            raise ValueError("%s and %s have different indexes: align them first "
                             "(e.g. take both from one DataFrame)" % (found_name, name))
    return found


def wrap(values: Any, index: Any, name: Optional[str] = None) -> Any:
    """``values`` as a Series on ``index`` (None: unchanged)."""
    if index is None:
        return values
    return pandas().Series(values, index=index, name=name, copy=False)


def frame_columns(df: Any, alternatives: Sequence[Sequence[str]], what: str) -> List[Any]:
    """The first set of columns of ``alternatives`` that ``df`` has (as Series).

    ``what`` names the argument for the error message.
    """
    cols = set(df.columns)
    for names in alternatives:
        if all(n in cols for n in names):
            return [df[n] for n in names]
    raise KeyError("%s: the DataFrame needs the columns %s (has %s)"
                   % (what, " or ".join("(" + ", ".join(a) + ")" for a in alternatives),
                      ", ".join(map(str, df.columns))))


def column_names(df: Any, alternatives: Sequence[Sequence[str]]) -> Optional[Sequence[str]]:
    """Which of ``alternatives`` ``df`` has, or None."""
    cols = set(df.columns)
    for names in alternatives:
        if all(n in cols for n in names):
            return names
    return None


def value_at(obj: Any, i: int) -> Any:
    """Element at position i of a sequence, Series or array (a scalar is itself)."""
    if obj is None or isinstance(obj, (int, float)):
        return obj
    if is_series(obj):
        return obj.iloc[i]
    try:
        return obj[i]
    except (TypeError, IndexError, KeyError):
        return None


def label_at(index: Any, i: int) -> Any:
    """The index label at position i, as a plain Python value."""
    if index is None:
        return i
    try:
        label = index[i]
    except IndexError:
        return i
    item = getattr(label, "item", None)
    if callable(item) and not isinstance(label, str):
        try:
            return item()
        except (ValueError, TypeError):
            return label
    return label


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
            return "%d" % v
        return "%.6g" % v
    if isinstance(v, str):
        return repr(v)
    if hasattr(v, "isoformat"):  # Timestamp, datetime, date
        return str(v)
    item = getattr(v, "item", None)
    if callable(item):
        try:
            return _fmt(item())
        except (ValueError, TypeError):
            pass
    return repr(v)


class rows:
    """Context manager naming the arguments and the row of a LoyaltyError
    raised inside.

    ``columns``: (argument name, caller's value) pairs, in the order the
    caller knows them; ``index``: the pandas index of the rows (None: the
    position is the label); ``positions``: maps the C library's row
    position to the caller's (when rows were filtered before the call).
    A class rather than a generator: it wraps every per-row call, and
    entering it must cost next to nothing.
    """

    __slots__ = ("columns", "index", "positions")

    def __init__(self, columns: Sequence[Tuple[str, Any]], index: Any = None,
                 positions: Any = None) -> None:
        self.columns = columns
        self.index = index
        self.positions = positions

    def __enter__(self) -> "rows":
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if isinstance(exc, LoyaltyError) and exc.argument is None and (
                exc.index is not None or exc.code in _DATA_CODES):
            self._locate(exc)

    def _locate(self, exc: LoyaltyError) -> None:
        columns = self.columns
        context: dict = {"argument": ", ".join(n for n, v in columns if v is not None)}
        if exc.index is not None:
            pos = exc.index
            if self.positions is not None:
                pos = int(self.positions[pos])
                context["index"] = pos
            context["label"] = label_at(self.index, pos)
            vals = ["%s=%s" % (n, _fmt(value_at(v, pos))) for n, v in columns
                    if v is not None and not isinstance(v, (int, float))]
            if vals:
                context["detail"] = ", ".join(vals)
        exc.locate(**context)
