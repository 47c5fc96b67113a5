"""Strict JSON decoding of untrusted bytes: the only JSON a request body may be.

``json.loads`` accepts more than JSON and more than the rest of the registry can hold:
``NaN``/``Infinity`` (and ``1e999``, which becomes infinity) that SQLite and MongoDB refuse,
integers of thousands of digits that Python will not turn back into text, lone surrogates
(``"\\ud800"``) that cannot be encoded as UTF-8, NUL characters that BSON keys and C string
APIs cut short, and nesting deep enough to exhaust the interpreter's recursion limit in
every recursive walker after the parser (validation, ``json.dumps``). :func:`decode_strict`
refuses each of them with :class:`~mcp_registry.shared.errors.InvalidInput` naming where.
Nothing here imports falcon.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from mcp_registry.shared.errors import ErrorDetail, InvalidInput

MAX_DEPTH: Final = 64
"""Deepest nesting of arrays and objects accepted (a server.json needs a handful)."""

MAX_NUMBER_CHARS: Final = 40
"""Longest literal number accepted; every int64 and every float's shortest form fit."""

INT_RANGE: Final = (-(2**63), 2**63 - 1)
"""Integers must fit in 64 bits: what both storage backends can hold as numbers."""


class _Refused(ValueError):
    """Raised inside the decoder's hooks; carries the client-facing reason."""


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number has {len(text)} digits; at most {MAX_NUMBER_CHARS} are accepted")
    value = int(text)
    if not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise _Refused(f"integer {text} does not fit in 64 bits")
    return value


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(
            f"a number has {len(text)} characters; at most {MAX_NUMBER_CHARS} are accepted"
        )
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"number {text} is out of range")
    return value


def _parse_constant(text: str) -> Any:
    raise _Refused(f"{text} is not JSON (numbers must be finite)")


def decode_strict(raw: bytes) -> Any:
    """The JSON value of ``raw`` (UTF-8, RFC 8259), or :class:`InvalidInput` (422).

    Refused: bytes that are not UTF-8, syntax errors, ``NaN``/``Infinity``, numbers longer
    than :data:`MAX_NUMBER_CHARS` characters or out of range, nesting deeper than :data:`MAX_DEPTH`,
    and strings or keys holding a lone surrogate or a NUL character.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid(f"it is not UTF-8 (byte {exc.start})", "body") from None
    try:
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except _Refused as exc:
        raise _invalid(str(exc), "body") from None
    except RecursionError:
        raise _invalid(f"it is nested deeper than {MAX_DEPTH} levels", "body") from None
    except json.JSONDecodeError as exc:
        raise _invalid(str(exc), "body") from None
    except ValueError as exc:  # any other conversion limit the decoder hits
        raise _invalid(str(exc), "body") from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Refuse a decoded value nested deeper than :data:`MAX_DEPTH` or holding bad strings.

    Iterative, so it is safe on any input the decoder produced.
    """
    stack: list[tuple[Any, str, int]] = [(value, "body", 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item, where)
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise _invalid(f"it is nested deeper than {MAX_DEPTH} levels", where)
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_string(key, f"{where}.{_printable(key)}")
                    stack.append((child, f"{where}.{key}", depth + 1))
            else:
                stack.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item))


def _check_string(text: str, where: str) -> None:
    if "\x00" in text:
        raise _invalid("a string contains a NUL character (\\u0000)", _printable(where))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _invalid(
            "a string contains a lone surrogate (not valid Unicode)", _printable(where)
        ) from None


def _printable(text: str) -> str:
    # The location is echoed to the client: it must itself be valid, NUL-free text.
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _invalid(reason: str, where: str) -> InvalidInput:
    return InvalidInput(
        f"Request body is not valid JSON: {reason}", [ErrorDetail(reason, _printable(where))]
    )
