"""The ilo lexer (language.md §1.2-§1.4) with the lexical errors of diagnostics.md §5.

`tokenize(src)` runs the layout pre-pass, lexes its output and applies the adjustments of
§1.3 (negative-literal split, dot-number split, field names). Declaration boundaries are not
kept as tokens: the token after one has `nl_before` set. The token list always ends with EOF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import Layout, layout
from .tokens import (
    EOF,
    IDENT,
    KEYWORDS,
    NEWLINE,
    NUMBER,
    OPERATORS,
    SIGIL_KINDS,
    SIGILS,
    TEXT,
    Token,
)

_IDENT_RE = re.compile(r"[a-z][0-9a-z]*(?:-[0-9a-z]+)*")
_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DIGITS_RE = re.compile(r"[0-9]+")
_UPPER_RUN_RE = re.compile(r"[A-Z]+")
_CAPS_TAIL_RE = re.compile(r"[A-Za-z0-9-]*")
# Identifier-shaped words with a capital after a lowercase start (for L003's extra list).
_MIXED_CASE_RE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:-[a-z0-9]+)*[A-Z][A-Za-z0-9-]*")

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "f": "\f",
    "b": "\b",
    "v": "\v",
    "a": "\a",
    "0": "\0",
    '"': '"',
    "\\": "\\",
    "/": "/",
}

_WORD_OPS = {
    "AND": "`AND` is not an ilo keyword. ilo uses `&` (single `&` for logical and)",
    "OR": "`OR` is not an ilo keyword. ilo uses `|` (single `|` for logical or)",
    "NOT": "`NOT` is not an ilo keyword. ilo uses `!` (prefix `!` for logical not)",
}

# Operators grouped by first character, longest first (OPERATORS is ordered that way).
_OPS_BY_FIRST: dict[str, list[tuple[str, str]]] = {}
for _text, _kind in OPERATORS:
    _OPS_BY_FIRST.setdefault(_text[0], []).append((_text, _kind))

# Tokens after which a number starting with `-` is split into `-` and the number (§1.3).
_SPLIT_AFTER = frozenset({"Semi", NEWLINE, "Eq", "LBrace", "LParen"})


@dataclass
class LexError(Exception):
    """The first lexical error: code, message, byte span and suggestion (diagnostics.md §5)."""

    code: str
    message: str
    start: int
    end: int
    suggestion: str


def _utf8_len(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def _kebab(word: str) -> str:
    """`myVar` -> `my-var`: a `-` before each capital not already after `-`, lowercased."""
    out: list[str] = []
    for i, ch in enumerate(word):
        if "A" <= ch <= "Z":
            if i > 0 and word[i - 1] != "-":
                out.append("-")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def _also_found(src: str, word: str) -> str:
    """The `. Also found in this file: …` tail of an L003 suggestion."""
    seen: list[str] = []
    for m in _MIXED_CASE_RE.finditer(src):
        start = m.start()
        if start >= 1 and src[start - 1] == ".":
            continue
        if start >= 2 and src[start - 2 : start] == ".?":
            continue
        found = m.group(0)
        if found != word and found not in seen:
            seen.append(found)
    if not seen:
        return ""
    tail = ". Also found in this file: " + ", ".join(seen[:5])
    if len(seen) > 5:
        tail += f" (+{len(seen) - 5} more)"
    return tail


class _Lexer:
    def __init__(self, source: str, lay: Layout) -> None:
        self.source = source
        self.s = lay.text
        self.offs = lay.offsets
        self.toks: list[Token] = []
        # Output positions where a number token began with `-` (for the negative split).
        self.negative: set[int] = set()

    # ---------------------------------------------------------------- helpers

    def error(self, code: str, at: int, text: str, suggestion: str) -> LexError:
        start = self.offs[at]
        return LexError(code, f"unexpected token '{text}'", start, start + _utf8_len(text), suggestion)

    def add(self, kind: str, value: str | float | None, i: int, j: int, field: bool = False) -> None:
        self.toks.append(Token(kind, value, self.offs[i], self.offs[j], i, j, False, field))

    def prev(self) -> Token | None:
        return self.toks[-1] if self.toks else None

    def in_field_position(self, i: int) -> bool:
        p = self.prev()
        return p is not None and p.kind in ("Dot", "DotQuestion") and p.oend == i

    # ---------------------------------------------------------------- main loop

    def run(self) -> list[Token]:
        s = self.s
        n = len(s)
        i = 0
        while i < n:
            ch = s[i]
            if ch in " \t":
                i += 1
                continue
            if ch == "\n":
                self.add(NEWLINE, None, i, i + 1)
                i += 1
                continue
            if self.in_field_position(i):
                m = _DIGITS_RE.match(s, i) if ch.isdigit() else _FIELD_RE.match(s, i)
                if m is not None and ch.isascii():
                    j = m.end()
                    if ch.isdigit():
                        self.add(NUMBER, float(m.group(0)), i, j, field=True)
                    else:
                        self.add(IDENT, m.group(0), i, j, field=True)
                    i = j
                    continue
            if ch == '"':
                i = self.lex_text(i)
                continue
            if ch == "-" and s.startswith("--", i):
                while i < n and s[i] != "\n":
                    i += 1
                continue
            if ch.isascii() and (
                ch.isdigit() or (ch == "-" and i + 1 < n and s[i + 1].isdigit() and s[i + 1].isascii())
            ):
                m = _NUMBER_RE.match(s, i)
                assert m is not None
                if ch == "-":
                    self.negative.add(i)
                self.add(NUMBER, float(m.group(0)), i, m.end())
                i = m.end()
                continue
            if "a" <= ch <= "z":
                i = self.lex_ident(i)
                continue
            if "A" <= ch <= "Z":
                i = self.lex_upper(i)
                continue
            for text, kind in _OPS_BY_FIRST.get(ch, ()):
                if s.startswith(text, i):
                    self.add(kind, None, i, i + len(text))
                    i += len(text)
                    break
            else:
                raise self.error("ILO-L001", i, ch, f"Unexpected character(s): '{ch}'")
        return self.toks

    def lex_text(self, i: int) -> int:
        s = self.s
        n = len(s)
        j = i + 1
        chars: list[str] = []
        while j < n:
            ch = s[j]
            if ch == '"':
                self.add(TEXT, "".join(chars), i, j + 1)
                return j + 1
            if ch == "\\" and j + 1 < n:
                esc = s[j + 1]
                chars.append(_ESCAPES.get(esc, "\\" + esc))
                j += 2
                continue
            chars.append(ch)
            j += 1
        raise self.error("ILO-L001", i, '"', "Unexpected character(s): '\"'")

    def lex_ident(self, i: int) -> int:
        s = self.s
        m = _IDENT_RE.match(s, i)
        assert m is not None
        j = m.end()
        word = m.group(0)
        if j < len(s) and "A" <= s[j] <= "Z":
            tail = _CAPS_TAIL_RE.match(s, j + 1)
            end = tail.end() if tail else j + 1
            bad = s[i:end]
            offset = j - i
            suggestion = (
                f"identifiers must be lowercase ASCII; got '{bad}' (capital '{s[j]}' at offset "
                f"{offset}). Use lowercase, e.g. `{_kebab(bad)}` or `{bad.lower()}`"
            )
            suggestion += _also_found(self.source, bad)
            raise self.error("ILO-L003", i, bad, suggestion)
        if j + 1 < len(s) and s[j] == "_" and "a" <= s[j + 1] <= "z":
            end = j
            while end + 1 < len(s) and s[end] == "_" and "a" <= s[end + 1] <= "z":
                nxt = _IDENT_RE.match(s, end + 1)
                assert nxt is not None
                end = nxt.end()
            bad = s[i:end]
            suggestion = (
                f"underscores are not allowed in identifiers; use hyphens (e.g. `{bad.replace('_', '-')}`)"
            )
            raise self.error("ILO-L002", i, bad, suggestion)
        kind = KEYWORDS.get(word, IDENT)
        self.add(kind, word, i, j)
        return j

    def lex_upper(self, i: int) -> int:
        s = self.s
        m = _UPPER_RUN_RE.match(s, i)
        assert m is not None
        run = m.group(0)
        after = s[m.end()] if m.end() < len(s) else ""
        glued_after = after.isascii() and (after.isalnum() or after == "_")
        if run in _WORD_OPS and not glued_after:
            p = self.prev()
            type_context = p is not None and (p.kind in ("Colon", "Greater") or p.kind in SIGIL_KINDS)
            if not (run == "OR" and type_context):
                raise self.error("ILO-L001", i, run, _WORD_OPS[run])
        ch = s[i]
        if ch in SIGILS:
            self.add(SIGILS[ch], ch, i, i + 1)
            return i + 1
        raise self.error("ILO-L001", i, ch, f"Unexpected character(s): '{ch}'")


def _adjust(toks: list[Token], negative: set[int]) -> list[Token]:
    """Negative-literal split (§1.3) and removal of boundary tokens into `nl_before`."""
    out: list[Token] = []
    prev_kind: str | None = None
    pending_nl = False
    for tok in toks:
        if tok.kind == NEWLINE:
            pending_nl = True
            prev_kind = NEWLINE
            continue
        if tok.kind == NUMBER and tok.ostart in negative and (prev_kind is None or prev_kind in _SPLIT_AFTER):
            assert isinstance(tok.value, float)
            minus = Token("Minus", None, tok.start, tok.start + 1, tok.ostart, tok.ostart + 1, pending_nl)
            num = Token(NUMBER, -tok.value, tok.start + 1, tok.end, tok.ostart + 1, tok.oend)
            out += [minus, num]
        else:
            tok.nl_before = pending_nl
            out.append(tok)
        pending_nl = False
        prev_kind = tok.kind
    return out


def tokenize(source: str) -> list[Token]:
    """Lex `source` into tokens ending with EOF; raises LexError on the first lexical error."""
    lay = layout(source)
    lexer = _Lexer(source, lay)
    toks = _adjust(lexer.run(), lexer.negative)
    end = lay.offsets[-1]
    n = len(lay.text)
    toks.append(Token(EOF, None, end, end, n, n))
    return toks
