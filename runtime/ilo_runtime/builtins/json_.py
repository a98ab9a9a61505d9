"""JSON builtins `jdmp jpar jpth` (builtins.md §8.3) and the JSON writers `wr … "json"` uses.

The parser reproduces the reference parser (serde_json, default features) step by step: its
error wording and `line L column C` positions (byte columns), its depth limit (128), and its
number conversion (significand as u64 times or divided by a power of ten, not correctly rounded
for long inputs; Python's `float()` would round correctly and differ there).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..display import display, display_key
from ..values import Closure, Err, FnRef, Ok, Record
from ._util import got, rt009

_U64_MAX = 18446744073709551615
_I32_MAX = 2147483647
_POW10 = [float(f"1e{k}") for k in range(309)]  # exact literals, like the reference's table
_PLAIN = re.compile(rb'[^"\\\x00-\x1f]+')


# ---- number and string writers --------------------------------------------------------------


def float_style(x: float) -> str:
    """A finite number in JSON float style (shortest digits; positional when the leading digit's
    decimal exponent is in -5..15, with `.0` if integral; else `d.ddde<E>`)."""
    sign, digits_t, exp = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digits_t)).rstrip("0") or "0"
    assert isinstance(exp, int)
    # value = 0.digits... scaled: leading digit exponent E
    point = len("".join(map(str, digits_t))) + exp  # digits before the decimal point
    e = point - 1
    neg = "-" if sign else ""
    if digits == "0":
        return neg + "0.0"
    if -5 <= e <= 15:
        if point <= 0:
            return f"{neg}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{neg}{digits}{'0' * (point - len(digits))}.0"
        return f"{neg}{digits[:point]}.{digits[point:]}"
    mant = digits[0] if len(digits) == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{neg}{mant}e{e}"


def jdmp_num(x: float) -> str:
    """A number as `jdmp` writes it: integers below 1e15 as digits, NaN/inf as null."""
    if not math.isfinite(x):
        return "null"
    if x == math.floor(x) and abs(x) < 1e15:
        return str(int(x))
    return float_style(x)


def json_string(s: str) -> str:
    """A JSON string literal: `"` `\\` and controls escaped (lowercase `\\u00xx`), rest raw."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append(_CONTROL_ESCAPES.get(ch, f"\\u{o:04x}"))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_CONTROL_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _first(kv: tuple[str, Any]) -> str:
    return kv[0]


def jdmp_value(v: Any) -> str:
    """Compact JSON of an ilo value (`jdmp`)."""
    t = type(v)
    if t is float:
        return jdmp_num(v)
    if t is str:
        return json_string(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    if t is list:
        return "[" + ",".join(jdmp_value(x) for x in v) + "]"
    if t is dict:
        items = sorted(((display_key(k), x) for k, x in v.items()), key=_first)
        return "{" + ",".join(f"{json_string(k)}:{jdmp_value(x)}" for k, x in items) + "}"
    if t is Record:
        items = sorted(v.fields.items(), key=_first)
        return "{" + ",".join(f"{json_string(k)}:{jdmp_value(x)}" for k, x in items) + "}"
    if t is Ok or t is Err:
        return jdmp_value(v.value)
    if t is FnRef or t is Closure:
        return json_string(display(v))
    return json_string(display(v))


def pretty_json(v: Any, indent: str = "") -> str:
    """Pretty JSON as `wr p d "json"` writes it: 2-space indent, every number as a float,
    NaN/inf/nil as null, records/results/functions as the string of their display form."""
    t = type(v)
    if t is float:
        return float_style(v) if math.isfinite(v) else "null"
    if t is str:
        return json_string(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    inner = indent + "  "
    if t is list:
        if not v:
            return "[]"
        body = ",\n".join(inner + pretty_json(x, inner) for x in v)
        return f"[\n{body}\n{indent}]"
    if t is dict:
        if not v:
            return "{}"
        items = sorted(((display_key(k), x) for k, x in v.items()), key=_first)
        body = ",\n".join(f"{inner}{json_string(k)}: {pretty_json(x, inner)}" for k, x in items)
        return f"{{\n{body}\n{indent}}}"
    return json_string(display(v))


# ---- parser -------------------------------------------------------------------------------


class JsonError(Exception):
    """A parse failure; the message is the reference's, position included."""


class _Parser:
    """Recursive-descent JSON parser over UTF-8 bytes. Numbers come back typed: Python `int`
    for the reference's u64/i64 results, `float` for f64."""

    def __init__(self, text: str) -> None:
        self.b = text.encode("utf-8", "surrogatepass")
        self.n = len(self.b)
        self.i = 0
        self.depth = 128

    # positions: `error` reports the current index, `peek_error` the one after it
    def _at(self, i: int, msg: str) -> JsonError:
        start = self.b.rfind(b"\n", 0, i) + 1
        line = self.b.count(b"\n", 0, start) + 1
        return JsonError(f"{msg} at line {line} column {i - start}")

    def error(self, msg: str) -> JsonError:
        return self._at(self.i, msg)

    def peek_error(self, msg: str) -> JsonError:
        return self._at(min(self.n, self.i + 1), msg)

    def peek(self) -> int | None:
        return self.b[self.i] if self.i < self.n else None

    def skip_ws(self) -> int | None:
        b, i, n = self.b, self.i, self.n
        while i < n and b[i] in b" \n\t\r":
            i += 1
        self.i = i
        return b[i] if i < n else None

    def parse_document(self) -> Any:
        value = self.parse_value()
        if self.skip_ws() is not None:
            raise self.peek_error("trailing characters")
        return value

    def parse_value(self) -> Any:
        c = self.skip_ws()
        if c is None:
            raise self.peek_error("EOF while parsing a value")
        if c == 0x6E:  # n
            self.i += 1
            self._ident(b"ull")
            return None
        if c == 0x74:  # t
            self.i += 1
            self._ident(b"rue")
            return True
        if c == 0x66:  # f
            self.i += 1
            self._ident(b"alse")
            return False
        if c == 0x2D:  # -
            self.i += 1
            return self._integer(False)
        if 0x30 <= c <= 0x39:
            return self._integer(True)
        if c == 0x22:
            self.i += 1
            return self._string()
        if c == 0x5B or c == 0x7B:
            self.depth -= 1
            if self.depth == 0:
                raise self.peek_error("recursion limit exceeded")
            self.i += 1
            value = self._array() if c == 0x5B else self._object()
            self.depth += 1
            return value
        raise self.peek_error("expected value")

    def _ident(self, rest: bytes) -> None:
        for expected in rest:
            if self.i >= self.n:
                raise self.error("EOF while parsing a value")
            got_ = self.b[self.i]
            self.i += 1
            if got_ != expected:
                raise self.error("expected ident")

    # numbers

    def _digit(self) -> int | None:
        c = self.peek()
        return c - 0x30 if c is not None and 0x30 <= c <= 0x39 else None

    def _integer(self, positive: bool) -> Any:
        if self.i >= self.n:
            raise self.error("EOF while parsing a value")
        c = self.b[self.i]
        self.i += 1
        if c == 0x30:
            if self._digit() is not None:
                raise self.peek_error("invalid number")
            return self._number(positive, 0)
        if not 0x31 <= c <= 0x39:
            raise self.error("invalid number")
        sig = c - 0x30
        while (d := self._digit()) is not None:
            if sig >= _U64_MAX // 10 and (sig > _U64_MAX // 10 or d > _U64_MAX % 10):
                return self._long_integer(positive, sig)
            self.i += 1
            sig = sig * 10 + d
        return self._number(positive, sig)

    def _number(self, positive: bool, sig: int) -> Any:
        c = self.peek()
        if c == 0x2E:
            return self._decimal(positive, sig, 0)
        if c == 0x65 or c == 0x45:
            return self._exponent(positive, sig, 0)
        if positive:
            return sig
        if sig == 0 or sig > 2**63:
            return -float(sig)  # -0, or below i64::MIN: a float
        return -sig

    def _long_integer(self, positive: bool, sig: int) -> float:
        exponent = 0
        while True:
            c = self.peek()
            if c is not None and 0x30 <= c <= 0x39:
                self.i += 1
                exponent += 1
            elif c == 0x2E:
                return self._decimal(positive, sig, exponent)
            elif c == 0x65 or c == 0x45:
                return self._exponent(positive, sig, exponent)
            else:
                return self._from_parts(positive, sig, exponent)

    def _decimal(self, positive: bool, sig: int, exp_before: int) -> float:
        self.i += 1  # '.'
        exp_after = 0
        while (d := self._digit()) is not None:
            if sig >= _U64_MAX // 10 and (sig > _U64_MAX // 10 or d > _U64_MAX % 10):
                # further digits are ignored
                while self._digit() is not None:
                    self.i += 1
                c = self.peek()
                if c == 0x65 or c == 0x45:
                    return self._exponent(positive, sig, exp_before + exp_after)
                return self._from_parts(positive, sig, exp_before + exp_after)
            self.i += 1
            sig = sig * 10 + d
            exp_after -= 1
        if exp_after == 0:
            if self.peek() is not None:
                raise self.peek_error("invalid number")
            raise self.peek_error("EOF while parsing a value")
        c = self.peek()
        if c == 0x65 or c == 0x45:
            return self._exponent(positive, sig, exp_before + exp_after)
        return self._from_parts(positive, sig, exp_before + exp_after)

    def _exponent(self, positive: bool, sig: int, starting: int) -> float:
        self.i += 1  # 'e'
        positive_exp = True
        c = self.peek()
        if c == 0x2B:
            self.i += 1
        elif c == 0x2D:
            self.i += 1
            positive_exp = False
        if self.i >= self.n:
            raise self.error("EOF while parsing a value")
        c = self.b[self.i]
        self.i += 1
        if not 0x30 <= c <= 0x39:
            raise self.error("invalid number")
        exp = c - 0x30
        while (d := self._digit()) is not None:
            self.i += 1
            if exp >= _I32_MAX // 10 and (exp > _I32_MAX // 10 or d > _I32_MAX % 10):
                if sig != 0 and positive_exp:
                    raise self.error("number out of range")
                while self._digit() is not None:
                    self.i += 1
                return 0.0 if positive else -0.0
            exp = exp * 10 + d
        final = starting + exp if positive_exp else starting - exp
        final = max(-(2**31), min(_I32_MAX, final))  # saturating i32 arithmetic
        return self._from_parts(positive, sig, final)

    def _from_parts(self, positive: bool, sig: int, exponent: int) -> float:
        f = float(sig)
        while True:
            k = abs(exponent)
            if k <= 308:
                if exponent >= 0:
                    f *= _POW10[k]
                    if math.isinf(f):
                        raise self.error("number out of range")
                else:
                    f /= _POW10[k]
                break
            if f == 0.0:
                break
            if exponent >= 0:
                raise self.error("number out of range")
            f /= 1e308
            exponent += 308
        return f if positive else -f

    # strings

    def _string(self) -> str:
        b, n = self.b, self.n
        out = bytearray()
        while True:
            m = _PLAIN.match(b, self.i)
            if m is not None:
                out += m.group()
                self.i = m.end()
            if self.i >= n:
                raise self.error("EOF while parsing a string")
            c = b[self.i]
            self.i += 1
            if c == 0x22:
                return out.decode("utf-8", "surrogatepass")
            if c == 0x5C:
                self._escape(out)
            else:
                raise self.error("control character (\\u0000-\\u001F) found while parsing a string")

    def _escape(self, out: bytearray) -> None:
        if self.i >= self.n:
            raise self.error("EOF while parsing a string")
        c = self.b[self.i]
        self.i += 1
        simple = {0x22: b'"', 0x5C: b"\\", 0x2F: b"/", 0x62: b"\b", 0x66: b"\f", 0x6E: b"\n",
                  0x72: b"\r", 0x74: b"\t"}
        if c in simple:
            out += simple[c]
            return
        if c != 0x75:
            raise self.error("invalid escape")
        n1 = self._hex4()
        if 0xDC00 <= n1 <= 0xDFFF:
            raise self.error("lone leading surrogate in hex escape")
        if not 0xD800 <= n1 <= 0xDBFF:
            out += chr(n1).encode("utf-8", "surrogatepass")
            return
        for expected in (0x5C, 0x75):  # a trailing surrogate must follow: "\u"
            if self.i >= self.n:
                raise self.error("EOF while parsing a string")
            c = self.b[self.i]
            self.i += 1
            if c != expected:
                raise self.error("unexpected end of hex escape")
        n2 = self._hex4()
        if not 0xDC00 <= n2 <= 0xDFFF:
            raise self.error("lone leading surrogate in hex escape")
        out += chr(((n1 - 0xD800) << 10 | (n2 - 0xDC00)) + 0x10000).encode("utf-8")

    def _hex4(self) -> int:
        if self.i + 4 > self.n:
            self.i = self.n
            raise self.error("EOF while parsing a string")
        chunk = self.b[self.i : self.i + 4]
        self.i += 4
        if not all(ch in b"0123456789abcdefABCDEF" for ch in chunk):
            raise self.error("invalid escape")
        return int(chunk, 16)

    # containers

    def _array(self) -> list:
        out: list = []
        first = True
        while True:
            c = self.skip_ws()
            if c is None:
                raise self.peek_error("EOF while parsing a list")
            if c == 0x5D:
                self.i += 1
                return out
            if first:
                first = False
            elif c == 0x2C:
                self.i += 1
                c2 = self.skip_ws()
                if c2 == 0x5D:
                    raise self.peek_error("trailing comma")
                if c2 is None:
                    raise self.peek_error("EOF while parsing a value")
            else:
                raise self.peek_error("expected `,` or `]`")
            out.append(self.parse_value())

    def _object(self) -> dict:
        out: dict[str, Any] = {}
        first = True
        while True:
            c = self.skip_ws()
            if c is None:
                raise self.peek_error("EOF while parsing an object")
            if c == 0x7D:
                self.i += 1
                return out
            if first:
                first = False
                if c != 0x22:
                    raise self.peek_error("key must be a string")
            elif c == 0x2C:
                self.i += 1
                c2 = self.skip_ws()
                if c2 == 0x7D:
                    raise self.peek_error("trailing comma")
                if c2 is None:
                    raise self.peek_error("EOF while parsing a value")
                if c2 != 0x22:
                    raise self.peek_error("key must be a string")
            else:
                raise self.peek_error("expected `,` or `}`")
            self.i += 1
            key = self._string()
            c = self.skip_ws()
            if c is None:
                raise self.peek_error("EOF while parsing an object")
            if c != 0x3A:
                raise self.peek_error("expected `:`")
            self.i += 1
            out[key] = self.parse_value()  # duplicate key: last value wins


def parse_json(text: str) -> Any:
    """Parse a JSON document into typed Python data (raises `JsonError`)."""
    return _Parser(text).parse_document()


def to_ilo(v: Any) -> Any:
    """Typed JSON data as an ilo value: objects become records of type `json` (key order kept),
    integers become numbers."""
    t = type(v)
    if t is int:
        return float(v)
    if t is list:
        return [to_ilo(x) for x in v]
    if t is dict:
        return Record("json", {k: to_ilo(x) for k, x in v.items()})
    return v


def jpar_text(s: str) -> Ok | Err:
    """`jpar` on a text already known to be one."""
    try:
        return Ok(to_ilo(parse_json(s)))
    except JsonError as e:
        return Err(str(e))


def jpar(s: Any) -> Ok | Err:
    """`jpar s`: `~value`, or `^message`."""
    if type(s) is not str:
        raise rt009(f"jpar requires text, {got(s)}")
    return jpar_text(s)


def _compact(v: Any) -> str:
    """Compact JSON of typed JSON data (what `jpth` returns for non-strings); keys sorted."""
    t = type(v)
    if t is int:
        return str(v)
    if t is float:
        return float_style(v)
    if t is str:
        return json_string(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    if t is list:
        return "[" + ",".join(_compact(x) for x in v) + "]"
    return "{" + ",".join(f"{json_string(k)}:{_compact(v[k])}" for k in sorted(v)) + "}"


_INDEX = re.compile(r"\+?[0-9]+")


def jpth(s: Any, path: Any) -> Ok | Err:
    """`jpth s path`: walk a dotted path; non-negative integer segments index arrays only."""
    if type(s) is not str or type(path) is not str:
        raise rt009("jpth requires two text args")
    try:
        cur = parse_json(s)
    except JsonError as e:
        return Err(str(e))
    for seg in path.split("."):
        if _INDEX.fullmatch(seg) and int(seg) <= _U64_MAX:
            idx = int(seg)
            if type(cur) is list and idx < len(cur):
                cur = cur[idx]
                continue
        elif type(cur) is dict and seg in cur:
            cur = cur[seg]
            continue
        return Err(f"key not found: {seg}")
    return Ok(cur if type(cur) is str else _compact(cur))


def jdmp(v: Any) -> str:
    """`jdmp v`: compact JSON text."""
    return jdmp_value(v)


BUILTINS: dict[str, Callable[..., Any]] = {"jdmp": jdmp, "jpar": jpar, "jpth": jpth}
