"""Regex builtins `rgx rgxall rgxall1 rgxsub` (builtins.md §14).

Patterns use the Rust `regex` crate's syntax and semantics; they are translated into Python `re`
syntax by a small parser (`_Translator`) rather than passed through, because the two differ:
- `$` without `(?m)` is the end of the text in Rust, but also matches before a final `\n` in
  Python (translated to `\\Z`);
- flags `(?i) (?m) (?s) (?x) (?U)` may appear anywhere in Rust and last to the end of the group;
  Python allows global flags only at the start (translated to scoped `(?i:…)` atoms), and has no
  `(?U)` (greediness swapped by the translator);
- `(?<name>…)`, `\\p{…}`, `[[:alpha:]]`, `\\x{…}`, `\\z` and class set operations `&&` `--` `~~`
  do not exist in Python (classes are computed as code point ranges);
- `\\w` `\\d` `\\s` `\\b` are Unicode-aware in both, but Rust's `\\s` is White_Space (Python's
  also has U+001C..U+001F) and Rust's `\\w` includes combining marks (Python's does not), so
  both are emitted as explicit classes;
- backreferences and look-around are errors in Rust, so they are rejected here too.

Iteration drops an empty match that begins exactly where the previous reported match ended
(Rust's rule; Python's `finditer` reports it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from ._util import got, rt009

Ranges = list[tuple[int, int]]
_MAX_CP = 0x10FFFF


class PatternError(Exception):
    """A pattern the Rust regex syntax rejects (or that this translator does not support)."""


# ---- code point range sets ---------------------------------------------------------------


def _normalize(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _complement(ranges: Ranges) -> Ranges:
    out: Ranges = []
    nxt = 0
    for lo, hi in _normalize(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= _MAX_CP:
        out.append((nxt, _MAX_CP))
    return out


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    return _complement(_complement(a) + _complement(b))


def _difference(a: Ranges, b: Ranges) -> Ranges:
    return _intersect(a, _complement(b))


def _symmetric(a: Ranges, b: Ranges) -> Ranges:
    return _normalize(_difference(a, b) + _difference(b, a))


@lru_cache(maxsize=1)
def _categories() -> dict[str, Ranges]:
    """Code point ranges per two-letter general category (computed once, ~0.2 s)."""
    table: dict[str, Ranges] = {}
    category = unicodedata.category
    start = 0
    current = category(chr(0))
    for cp in range(1, _MAX_CP + 2):
        cat = category(chr(cp)) if cp <= _MAX_CP else ""
        if cat != current:
            table.setdefault(current, []).append((start, cp - 1))
            start, current = cp, cat
    return table


def _gc(*names: str) -> Ranges:
    table = _categories()
    out: Ranges = []
    for name in names:
        if len(name) == 1:
            for cat, rs in table.items():
                if cat[0] == name:
                    out += rs
        else:
            out += table.get(name, [])
    return _normalize(out)


_WHITE_SPACE: Ranges = _normalize(
    [(0x9, 0xD), (0x20, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
     (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]
)


@lru_cache(maxsize=1)
def _word() -> Ranges:
    # Rust's \w: Alphabetic + marks + decimal digits + connector punctuation + Join_Control.
    return _normalize(_gc("L", "M", "Nd", "Nl", "Pc") + [(0x200C, 0x200D)])


def _ascii_word() -> Ranges:
    return [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]


_POSIX: dict[str, Ranges] = {
    "alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "ascii": [(0x0, 0x7F)],
    "blank": [(0x9, 0x9), (0x20, 0x20)],
    "cntrl": [(0x0, 0x1F), (0x7F, 0x7F)],
    "digit": [(0x30, 0x39)],
    "graph": [(0x21, 0x7E)],
    "lower": [(0x61, 0x7A)],
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": [(0x9, 0xD), (0x20, 0x20)],
    "upper": [(0x41, 0x5A)],
    "word": _ascii_word(),
    "xdigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
}

_GC_LONG = {
    "letter": "L", "casedletter": "LC", "uppercaseletter": "Lu", "lowercaseletter": "Ll",
    "titlecaseletter": "Lt", "modifierletter": "Lm", "otherletter": "Lo", "mark": "M",
    "combiningmark": "M", "nonspacingmark": "Mn", "spacingmark": "Mc", "enclosingmark": "Me",
    "number": "N", "decimalnumber": "Nd", "digit": "Nd", "letternumber": "Nl",
    "othernumber": "No", "punctuation": "P", "connectorpunctuation": "Pc",
    "dashpunctuation": "Pd", "openpunctuation": "Ps", "closepunctuation": "Pe",
    "initialpunctuation": "Pi", "finalpunctuation": "Pf", "otherpunctuation": "Po",
    "symbol": "S", "mathsymbol": "Sm", "currencysymbol": "Sc", "modifiersymbol": "Sk",
    "othersymbol": "So", "separator": "Z", "spaceseparator": "Zs", "lineseparator": "Zl",
    "paragraphseparator": "Zp", "other": "C", "control": "Cc", "format": "Cf",
    "surrogate": "Cs", "privateuse": "Co", "unassigned": "Cn",
}
_GC_SHORT = {c.lower(): c for c in (
    "L LC Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl "
    "Zp C Cc Cf Cs Co Cn"
).split()}


def _property(name: str) -> Ranges:
    """Ranges of `\\p{name}` (general categories and a few binary properties)."""
    key = re.sub(r"[\s_-]", "", name).lower()
    for prefix in ("generalcategory=", "gc="):
        if key.startswith(prefix):
            key = key[len(prefix):]
    if key == "any":
        return [(0, _MAX_CP)]
    if key == "ascii":
        return [(0, 0x7F)]
    if key in ("whitespace", "space"):
        return list(_WHITE_SPACE)
    if key == "alphabetic":
        return _gc("L", "Nl", "Mn", "Mc")
    if key == "uppercase":
        return _gc("Lu")
    if key == "lowercase":
        return _gc("Ll")
    code = _GC_SHORT.get(key) or _GC_LONG.get(key)
    if code is None:
        raise PatternError(f"Unicode property not found or not supported: {name}")
    if code == "LC":
        return _gc("Lu", "Ll", "Lt")
    return _gc(code)


def _emit_class(ranges: Ranges, ignore_case: bool) -> str:
    ranges = _normalize(ranges)
    if not ranges:
        return "(?!)"  # an empty class matches nothing
    parts = []
    for lo, hi in ranges:
        parts.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
    body = "[" + "".join(parts) + "]"
    return f"(?i:{body})" if ignore_case else body


# ---- translator --------------------------------------------------------------------------

_FLAG_CHARS = "imsxUuR"
_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}


class _Translator:
    """Rust regex syntax -> Python `re` syntax (capture groups numbered identically)."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.n = len(pattern)
        self.i = 0
        self.flags = {c: False for c in _FLAG_CHARS}
        self.flags["u"] = True
        self.names: set[str] = set()

    def translate(self) -> str:
        out = self._alternation(top=True)
        return out

    # structure

    def _skip_extended(self) -> bool:
        """In `(?x)` mode skip whitespace and `#` comments; True if something was skipped."""
        if not self.flags["x"] or self.i >= self.n:
            return False
        c = self.p[self.i]
        if c.isspace():
            self.i += 1
            return True
        if c == "#":
            end = self.p.find("\n", self.i)
            self.i = self.n if end < 0 else end + 1
            return True
        return False

    def _alternation(self, top: bool) -> str:
        saved = dict(self.flags)
        branches: list[str] = []
        pieces: list[str] = []
        while self.i < self.n:
            if self._skip_extended():
                continue
            c = self.p[self.i]
            if c == ")":
                if top:
                    raise PatternError("unopened group")
                break
            if c == "|":
                branches.append("".join(pieces))
                pieces = []
                self.i += 1
                continue
            if c in "*+?{":
                self._quantifier(pieces)
                continue
            atom = self._atom()
            if atom is not None:
                pieces.append(atom)
        branches.append("".join(pieces))
        self.flags = saved
        return "|".join(branches)

    def _quantifier(self, pieces: list[str]) -> None:
        c = self.p[self.i]
        if c == "{":
            m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.p, self.i)
            if m is None:
                if "}" not in self.p[self.i :]:
                    raise PatternError("unclosed counted repetition")
                raise PatternError("repetition quantifier expects a valid decimal")
            lo = int(m.group(1))
            if m.group(3):
                if int(m.group(3)) < lo:
                    raise PatternError("invalid repetition count range")
            q = m.group()
            self.i = m.end()
        else:
            q = c
            self.i += 1
        lazy = False
        if self.i < self.n and self.p[self.i] == "?":
            lazy = True
            self.i += 1
        if self.flags["U"]:
            lazy = not lazy
        if not pieces:
            raise PatternError("repetition operator missing expression")
        pieces[-1] = f"(?:{pieces[-1]}){q}{'?' if lazy else ''}"

    def _atom(self) -> str | None:
        c = self.p[self.i]
        if c == "(":
            return self._group()
        if c == "[":
            return _emit_class(self._class(), self.flags["i"])
        if c == ".":
            self.i += 1
            return "(?s:.)" if self.flags["s"] else "."
        if c == "^":
            self.i += 1
            return "(?m:^)" if self.flags["m"] else r"\A"
        if c == "$":
            self.i += 1
            return "(?m:$)" if self.flags["m"] else r"\Z"
        if c == "\\":
            return self._escape_atom()
        self.i += 1
        return self._literal(ord(c))

    def _literal(self, cp: int) -> str:
        text = re.escape(chr(cp))
        return f"(?i:{text})" if self.flags["i"] else text

    def _group(self) -> str | None:
        p = self.p
        self.i += 1
        if not p.startswith("?", self.i):
            body = self._alternation(top=False)
            self._close_group()
            return f"({body})"
        if p.startswith(("?=", "?!", "?<=", "?<!"), self.i):
            raise PatternError("look-around, including look-ahead and look-behind, is not supported")
        if p.startswith(("?P<", "?<"), self.i):
            start = self.i + (3 if p.startswith("?P<", self.i) else 2)
            end = p.find(">", start)
            if end < 0:
                raise PatternError("unclosed capture group name")
            name = p[start:end]
            if not name.isidentifier() or not name.isascii():
                raise PatternError(f"invalid capture group name: {name}")
            if name in self.names:
                raise PatternError(f"duplicate capture group name: {name}")
            self.names.add(name)
            self.i = end + 1
            body = self._alternation(top=False)
            self._close_group()
            return f"(?P<{name}>{body})"
        # flags: (?flags) or (?flags:...)
        j = self.i + 1
        new_flags = dict(self.flags)
        enable = True
        while j < self.n and p[j] not in ":)":
            ch = p[j]
            if ch == "-":
                enable = False
            elif ch in _FLAG_CHARS:
                new_flags[ch] = enable
            else:
                raise PatternError(f"unrecognized flag: {ch}")
            j += 1
        if j >= self.n:
            raise PatternError("unclosed group")
        if p[j] == ")":
            self.flags = new_flags
            self.i = j + 1
            return None
        saved = self.flags
        self.flags = new_flags
        self.i = j + 1
        body = self._alternation(top=False)
        self._close_group()
        self.flags = saved
        return f"(?:{body})"

    def _close_group(self) -> None:
        if self.i >= self.n:
            raise PatternError("unclosed group")
        self.i += 1

    # escapes

    def _perl_class(self, c: str) -> Ranges:
        unicode = self.flags["u"]
        lower = c.lower()
        if lower == "d":
            rs = _gc("Nd") if unicode else [(0x30, 0x39)]
        elif lower == "w":
            rs = _word() if unicode else _ascii_word()
        else:
            rs = list(_WHITE_SPACE) if unicode else [(0x9, 0xD), (0x20, 0x20)]
        return _complement(rs) if c.isupper() else rs

    def _unicode_class(self, c: str) -> Ranges:
        p = self.p
        if self.i >= self.n:
            raise PatternError("incomplete escape sequence")
        if p[self.i] == "{":
            end = p.find("}", self.i)
            if end < 0:
                raise PatternError("unclosed Unicode class")
            name = p[self.i + 1 : end]
            self.i = end + 1
        else:
            name = p[self.i]
            self.i += 1
        negate = c == "P"
        if name.startswith("^"):
            negate = not negate
            name = name[1:]
        rs = _property(name)
        return _complement(rs) if negate else rs

    def _hex(self, c: str) -> int:
        p = self.p
        if self.i < self.n and p[self.i] == "{":
            end = p.find("}", self.i)
            digits = p[self.i + 1 : end] if end >= 0 else ""
            if end < 0 or not digits or len(digits) > 8:
                raise PatternError("invalid hexadecimal escape")
            self.i = end + 1
        else:
            width = {"x": 2, "u": 4, "U": 8}[c]
            digits = p[self.i : self.i + width]
            if len(digits) != width:
                raise PatternError("incomplete escape sequence")
            self.i += width
        if not re.fullmatch(r"[0-9A-Fa-f]+", digits):
            raise PatternError("invalid hexadecimal digit")
        cp = int(digits, 16)
        if cp > _MAX_CP or 0xD800 <= cp <= 0xDFFF:
            raise PatternError("hexadecimal literal is not a Unicode scalar value")
        return cp

    def _escape_item(self, in_class: bool) -> tuple[str, Any]:
        """One escape: ("char", cp), ("set", ranges) or ("assert", python_text)."""
        self.i += 1
        if self.i >= self.n:
            raise PatternError("incomplete escape sequence")
        c = self.p[self.i]
        self.i += 1
        if c in "dDwWsS":
            return "set", self._perl_class(c)
        if c in "pP":
            return "set", self._unicode_class(c)
        if c in "xuU":
            return "char", self._hex(c)
        if c in _ESCAPED_CHARS:
            return "char", ord(_ESCAPED_CHARS[c])
        if c.isdigit():
            raise PatternError("backreferences are not supported")
        if not in_class and c in "bBAz<>":
            return "assert", self._assertion(c)
        if c.isascii() and not c.isalnum():
            return "char", ord(c)
        raise PatternError(f"unrecognized escape sequence: \\{c}")

    def _assertion(self, c: str) -> str:
        if c == "A":
            return r"\A"
        if c == "z":
            return r"\Z"
        if c == "b" and self.p.startswith("{", self.i):
            end = self.p.find("}", self.i)
            kind = self.p[self.i + 1 : end] if end >= 0 else ""
            if kind not in ("start", "end", "start-half", "end-half"):
                raise PatternError("unrecognized word boundary assertion")
            self.i = end + 1
            c = "<" if kind.startswith("start") else ">"
        w = _emit_class(_word() if self.flags["u"] else _ascii_word(), False)
        if c == "b":
            return f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))"
        if c == "B":
            return f"(?:(?<={w})(?={w})|(?<!{w})(?!{w}))"
        if c == "<":
            return f"(?:(?<!{w})(?={w}))"
        return f"(?:(?<={w})(?!{w}))"

    def _escape_atom(self) -> str:
        kind, value = self._escape_item(in_class=False)
        if kind == "char":
            return self._literal(value)
        if kind == "set":
            return _emit_class(value, self.flags["i"])
        return value

    # classes

    def _class(self) -> Ranges:
        """Parse `[...]` (nested classes and `&&` `--` `~~` included) into ranges."""
        self.i += 1
        negate = False
        if self.i < self.n and self.p[self.i] == "^":
            negate = True
            self.i += 1
        result = self._class_union(first=True)
        while True:
            if self.i >= self.n:
                raise PatternError("unclosed character class")
            op = self.p[self.i : self.i + 2]
            if op == "&&":
                self.i += 2
                result = _intersect(result, self._class_union(first=False))
            elif op == "--":
                self.i += 2
                result = _difference(result, self._class_union(first=False))
            elif op == "~~":
                self.i += 2
                result = _symmetric(result, self._class_union(first=False))
            else:
                break
        self.i += 1  # ']'
        return _complement(result) if negate else _normalize(result)

    def _class_union(self, first: bool) -> Ranges:
        p = self.p
        ranges: Ranges = []
        start = self.i
        while True:
            if self.i >= self.n:
                raise PatternError("unclosed character class")
            if self._skip_extended():
                continue
            c = p[self.i]
            if c == "]" and not (first and self.i == start):
                return ranges
            if p.startswith(("&&", "--", "~~"), self.i) and self.i != start:
                return ranges
            if c == "[":
                m = re.compile(r"\[:(\^?)([a-z]+):\]").match(p, self.i)
                if m is not None:
                    if m.group(2) not in _POSIX:
                        raise PatternError(f"invalid ASCII class: {m.group(2)}")
                    rs = _POSIX[m.group(2)]
                    ranges += _complement(rs) if m.group(1) else rs
                    self.i = m.end()
                else:
                    ranges += self._class()
                continue
            kind, lo = self._class_atom()
            if kind == "set":
                ranges += lo
                continue
            if (
                self.i + 1 < self.n
                and p[self.i] == "-"
                and p[self.i + 1] != "]"
                and not p.startswith("--", self.i)
            ):
                self.i += 1
                kind2, hi = self._class_atom()
                if kind2 != "char" or hi < lo:
                    raise PatternError("invalid character class range")
                ranges.append((lo, hi))
            else:
                ranges.append((lo, lo))

    def _class_atom(self) -> tuple[str, Any]:
        c = self.p[self.i]
        if c == "\\":
            return self._escape_item(in_class=True)
        self.i += 1
        return "char", ord(c)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Translate and compile a Rust-syntax pattern (raises PatternError)."""
    try:
        return re.compile(_Translator(pattern).translate())
    except re.error as e:  # anything the translator let through but Python rejects
        raise PatternError(str(e)) from None
    except RecursionError:
        raise PatternError("pattern nests too deeply") from None


def _compile(op: str, pattern: str) -> re.Pattern[str]:
    try:
        return compile_pattern(pattern)
    except PatternError as e:
        raise rt009(f"{op}: invalid regex pattern: {e}") from None


def iter_matches(rx: re.Pattern[str], s: str) -> Iterator[re.Match[str]]:
    """Matches in Rust's order: an empty match starting where the previous one ended is
    skipped (Python's `finditer` reports it)."""
    last_end = -1
    for m in rx.finditer(s):
        if m.start() == m.end() == last_end:
            continue
        last_end = m.end()
        yield m


def _participating(m: re.Match[str]) -> list[str]:
    return [g for g in m.groups() if g is not None]


def _texts(op: str, pattern: Any, *rest: Any) -> None:
    if type(pattern) is not str:
        raise rt009(f"{op}: first arg must be a string pattern, {got(pattern)}")
    for position, v in enumerate(rest, start=2):
        if type(v) is not str:
            raise rt009(f"{op}: arg {position} must be text, {got(v)}")


def rgx(pattern: Any, s: Any) -> list[str]:
    """`rgx p s`: all matches (no groups) or the first match's participating groups."""
    _texts("rgx", pattern, s)
    rx = _compile("rgx", pattern)
    if rx.groups == 0:
        return [m.group() for m in iter_matches(rx, s)]
    m = rx.search(s)
    return [] if m is None else _participating(m)


def rgxall(pattern: Any, s: Any) -> list[list[str]]:
    """`rgxall p s`: per match, `[whole]` or the participating groups."""
    _texts("rgxall", pattern, s)
    rx = _compile("rgxall", pattern)
    if rx.groups == 0:
        return [[m.group()] for m in iter_matches(rx, s)]
    return [_participating(m) for m in iter_matches(rx, s)]


def rgxall1(pattern: Any, s: Any) -> list[str]:
    """`rgxall1 p s`: whole matches (0 groups) or group 1 of every match (1 group)."""
    _texts("rgxall1", pattern, s)
    rx = _compile("rgxall1", pattern)
    if rx.groups >= 2:
        raise rt009(
            f"rgxall1: pattern has {rx.groups} capture groups; rgxall1 only supports 0 or 1. "
            "Use rgxall for L (L t) with every group preserved."
        )
    if rx.groups == 0:
        return [m.group() for m in iter_matches(rx, s)]
    return [g for m in iter_matches(rx, s) if (g := m.group(1)) is not None]


_REF_NAME = re.compile(r"[A-Za-z0-9_]+")


def expand_replacement(m: re.Match[str], template: str) -> str:
    """Rust `Captures::expand`: `$N`, `${N}`, `$name`, `${name}`, `$$`; unknown or
    non-participating groups insert nothing; backslashes are literal."""
    out: list[str] = []
    i = 0
    n = len(template)
    groupindex = m.re.groupindex
    while i < n:
        dollar = template.find("$", i)
        if dollar < 0:
            out.append(template[i:])
            break
        out.append(template[i:dollar])
        i = dollar + 1
        if i < n and template[i] == "$":
            out.append("$")
            i += 1
            continue
        name: str | None = None
        if i < n and template[i] == "{":
            close = template.find("}", i + 1)
            if close >= 0:
                name = template[i + 1 : close]
                next_i = close + 1
        else:
            ref = _REF_NAME.match(template, i)
            if ref is not None:
                name = ref.group()
                next_i = ref.end()
        if name is None:
            out.append("$")
            continue
        i = next_i
        if name.isdigit():
            index = int(name)
            value = m.group(index) if index <= m.re.groups else None
        else:
            value = m.group(name) if name in groupindex else None
        if value is not None:
            out.append(value)
    return "".join(out)


def rgxsub(pattern: Any, replacement: Any, s: Any) -> str:
    """`rgxsub p r s`: replace every match of `p` in `s` by the expansion of `r`."""
    _texts("rgxsub", pattern, replacement, s)
    rx = _compile("rgxsub", pattern)
    out: list[str] = []
    pos = 0
    for m in iter_matches(rx, s):
        out.append(s[pos : m.start()])
        out.append(expand_replacement(m, replacement))
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


BUILTINS: dict[str, Callable[..., Any]] = {
    "rgx": rgx,
    "rgxall": rgxall,
    "rgxall1": rgxall1,
    "rgxsub": rgxsub,
}
