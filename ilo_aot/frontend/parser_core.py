"""Parser state shared by the expression, statement and declaration parsers.

Holds the token cursor, the error constructors of diagnostics.md §6, the parser arity table
(language.md §2.5), the look-ahead tests the grammar depends on (function-header detection,
"can an operand start here", the prefix scan of §4.6) and type parsing (§3).
"""

from __future__ import annotations

from dataclasses import dataclass

from .ast import FnDecl, Span
from .builtin_names import FN_SLOT0, LONG_ALIASES, PARSER_ARITY
from .tokens import BINOPS, EOF, FRIENDLY_KEYWORDS, IDENT, NUMBER, TEXT, Token
from .types import ANY, BOOL, NUM, TFn, TList, TMap, TNamed, TOpt, TResult, TSum, Type
from .types import TEXT as TTEXT

# Deepest nesting of expressions/blocks the parser accepts (keeps Python's stack safe).
MAX_DEPTH = 120

_RESERVED_SUGGESTIONS = {
    "if": "ilo uses `cond{body}` for conditional branches",
    "return": "ilo uses `ret expr` for early returns",
    "let": "ilo uses `name=expr` for bindings",
    "var": "ilo uses `name=expr` for bindings",
    "const": "ilo uses `name=expr` for bindings",
    "fn": "ilo defines functions as `name params>return;body`",
    "def": "ilo defines functions as `name params>return;body`",
}

_FN_KEYWORD_P009 = (
    "ilo's inline lambda syntax is `(p:t>r;body)`, e.g. `map (x:n>n;+x 1) xs`. For a named "
    "function use `name params>return;body` at the top level."
)

# Tokens that are a complete item for the prefix scan (§4.6).
_SCAN_ATOMS = frozenset({NUMBER, TEXT, "True", "False", "Nil", "Underscore"})
# Operators that may themselves start a scanned item.
SCAN_OPS = frozenset(BINOPS) | {"Minus", "NilCoalesce"}
# Tokens that can start an operand, besides identifiers (§4.6).
_OPERAND_STARTS = frozenset(
    {
        NUMBER,
        TEXT,
        "True",
        "False",
        "Nil",
        "Underscore",
        "LParen",
        "LBracket",
        "Minus",
        "Bang",
        "Tilde",
        "Caret",
        "Dollar",
        "NilCoalesce",
    }
) | frozenset(BINOPS)
_TYPE_STARTS = frozenset(
    {IDENT, "Underscore", "ListType", "OptType", "ResultType", "MapType", "SumType", "FnType", "LParen"}
)
LOOP_WORDS = frozenset({"wh", "ret", "brk", "cnt"})


@dataclass
class ParseError(Exception):
    """A parse error: code, message, byte span, suggestion (diagnostics.md §6)."""

    code: str
    message: str
    start: int
    end: int
    suggestion: str | None = None


@dataclass(frozen=True)
class ArityEntry:
    """A parser-table entry: argument count and the argument slots that hold functions."""

    arity: int
    fn_slots: frozenset[int]


class ParserCore:
    """Token cursor, errors, look-ahead tests and types."""

    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks
        self.pos = 0
        self.last_end = 0
        self.depth = 0
        self.user_arity: dict[str, ArityEntry] = {}
        # Names bound so far in the function (and enclosing functions, for lambdas).
        self.scopes: list[set[str]] = []
        self.record_fields: set[str] = set()
        self.lambdas: list[FnDecl] = []
        self.lambda_count = 0
        self._close_cache: dict[int, int | None] = {}
        self._scan_record_fields()

    # ---------------------------------------------------------------- cursor

    def peek(self, k: int = 0) -> Token:
        i = self.pos + k
        toks = self.toks
        return toks[i] if i < len(toks) else toks[-1]

    def tok_at(self, i: int) -> Token:
        return self.toks[i] if i < len(self.toks) else self.toks[-1]

    def at(self, kind: str, k: int = 0) -> bool:
        return self.peek(k).kind == kind

    def at_ident(self, name: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t.kind == IDENT and t.value == name

    def advance(self) -> Token:
        tok = self.peek()
        if tok.kind != EOF:
            self.pos += 1
            self.last_end = tok.end
        return tok

    def glued(self, a: Token, b: Token) -> bool:
        """True if `b` follows `a` with nothing between them (in the layout output)."""
        return a.oend == b.ostart and b.kind != EOF

    def span_from(self, start: int) -> Span:
        return Span(start, max(start, self.last_end))

    def enter(self) -> None:
        """Count one level of nesting; very deep input is an error, not a crash."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            tok = self.peek()
            raise self.error_at("ILO-P009", "expression nesting too deep", tok)

    def leave(self) -> None:
        self.depth -= 1

    # ---------------------------------------------------------------- errors

    def error_at(self, code: str, message: str, tok: Token, suggestion: str | None = None) -> ParseError:
        if tok.kind == EOF:
            return ParseError(code, message, 0, 0, suggestion)
        return ParseError(code, message, tok.start, tok.end, suggestion)

    def last_token(self) -> Token:
        """The last real token of the input (P010's span)."""
        return self.toks[-2] if len(self.toks) >= 2 else self.toks[-1]

    def expected_expression(self, tok: Token | None = None) -> ParseError:
        tok = tok or self.peek()
        if tok.kind == EOF:
            last = self.last_token()
            return ParseError("ILO-P010", "expected expression, got EOF", last.start, last.end)
        if tok.kind in ("KwFn", "KwDef"):
            word = FRIENDLY_KEYWORDS[tok.kind]
            return self.error_at(
                "ILO-P009",
                f"`{word}` is a reserved word and cannot start an expression",
                tok,
                _FN_KEYWORD_P009,
            )
        return self.error_at("ILO-P009", f"expected expression, got {tok.name()}", tok)

    def reserved_word_error(self, tok: Token) -> ParseError:
        word = FRIENDLY_KEYWORDS[tok.kind]
        return self.error_at(
            "ILO-P011",
            f"`{word}` is a reserved word and cannot be used as an identifier",
            tok,
            _RESERVED_SUGGESTIONS[word],
        )

    def expected_ident(self, tok: Token | None = None) -> ParseError:
        tok = tok or self.peek()
        if tok.kind == EOF:
            return ParseError("ILO-P006", "expected identifier, got EOF", 0, 0)
        if tok.kind in FRIENDLY_KEYWORDS:
            return self.reserved_word_error(tok)
        return self.error_at("ILO-P005", f"expected identifier, got {tok.name()}", tok)

    def expected_token(
        self, kind: str, tok: Token | None = None, suggestion: str | None = None
    ) -> ParseError:
        tok = tok or self.peek()
        if tok.kind == EOF:
            return ParseError("ILO-P004", f"expected {kind}, got EOF", 0, 0)
        return self.error_at("ILO-P003", f"expected {kind}, got {tok.name()}", tok, suggestion)

    def expect(self, kind: str) -> Token:
        if self.at(kind):
            return self.advance()
        raise self.expected_token(kind)

    def expect_ident(self) -> Token:
        if self.at(IDENT):
            return self.advance()
        raise self.expected_ident()

    # ---------------------------------------------------------------- arity table

    def arity_entry(self, name: str) -> ArityEntry | None:
        """The parser arity table (language.md §2.5): builtins, then earlier user functions."""
        short = LONG_ALIASES.get(name, name)
        if short in PARSER_ARITY:
            slots = frozenset({0}) if short in FN_SLOT0 else frozenset()
            return ArityEntry(PARSER_ARITY[short], slots)
        return self.user_arity.get(name)

    def add_user_function(self, name: str, params: list[Type]) -> None:
        slots = frozenset(i for i, t in enumerate(params) if isinstance(t, TFn))
        self.user_arity[name] = ArityEntry(len(params), slots)

    # ---------------------------------------------------------------- scopes

    def bind(self, name: str) -> None:
        if self.scopes:
            self.scopes[-1].add(name)

    def is_bound(self, name: str) -> bool:
        return any(name in s for s in self.scopes)

    def _scan_record_fields(self) -> None:
        """Field names of every record type in the file (for the `xs.i` rewrite, §4.2)."""
        toks = self.toks
        for i, tok in enumerate(toks):
            if tok.kind != "Type" or i + 2 >= len(toks) or toks[i + 2].kind != "LBrace":
                continue
            j = i + 3
            while j + 1 < len(toks) and toks[j].kind not in ("RBrace", EOF):
                if toks[j].kind == IDENT and toks[j + 1].kind == "Colon":
                    self.record_fields.add(str(toks[j].value))
                j += 1

    # ---------------------------------------------------------------- look-ahead

    def find_close(self, i: int) -> int | None:
        """Index of the bracket closing the one at `i` (all bracket kinds counted together)."""
        if i in self._close_cache:
            return self._close_cache[i]
        depth = 0
        j = i
        result: int | None = None
        while j < len(self.toks):
            kind = self.toks[j].kind
            if kind in ("LParen", "LBracket", "LBrace"):
                depth += 1
            elif kind in ("RParen", "RBracket", "RBrace"):
                depth -= 1
                if depth == 0:
                    result = j
                    break
            elif kind == EOF:
                break
            j += 1
        self._close_cache[i] = result
        return result

    def header_at(self, i: int) -> bool:
        """`IDENT >` or `IDENT IDENT :`: an identifier that begins a function header."""
        t = self.tok_at(i)
        if t.kind != IDENT:
            return False
        n1 = self.tok_at(i + 1)
        if n1.kind == "Greater":
            return True
        return n1.kind == IDENT and self.tok_at(i + 2).kind == "Colon"

    def header_after_semi(self, i: int) -> bool:
        """The stricter header test applied after a `;` in a top-level body (§2.1)."""
        t = self.tok_at(i)
        if not self.header_at(i) or t.value in LOOP_WORDS:
            return False
        depth = 0
        j = i + 1
        while j < len(self.toks):
            kind = self.toks[j].kind
            if kind in ("LParen", "LBracket"):
                depth += 1
            elif kind in ("RParen", "RBracket"):
                depth -= 1
            elif depth <= 0 and kind in ("Semi", "RBrace", EOF):
                return False
            elif depth <= 0 and kind == "Greater":
                return True
            j += 1
        return False

    def can_start_operand(self, i: int | None = None) -> bool:
        """Can an operand start at token `i` (default: the current one)? (§4.6)"""
        if i is None:
            i = self.pos
        t = self.tok_at(i)
        if t.kind == IDENT:
            return not self.header_at(i)
        return t.kind in _OPERAND_STARTS

    def prefix_scan(self, i: int) -> bool:
        """The prefix scan of §4.6 for the operator at token `i`: two items must follow."""
        counts = [0]
        j = i + 1
        while True:
            t = self.tok_at(j)
            if t.kind == IDENT:
                if self.header_at(j):
                    return False
                j += 1
            elif t.kind in _SCAN_ATOMS:
                j += 1
            elif t.kind in ("LParen", "LBracket"):
                close = self.find_close(j)
                if close is None:
                    return False
                j = close + 1
            elif t.kind in SCAN_OPS:
                counts.append(0)
                j += 1
                continue
            else:
                return False
            counts[-1] += 1
            while counts[-1] == 2:
                counts.pop()
                if not counts:
                    return True
                counts[-1] += 1

    # ---------------------------------------------------------------- types

    def at_type_start(self) -> bool:
        t = self.peek()
        if t.kind not in _TYPE_STARTS or t.nl_before:
            return False
        return not (t.kind == IDENT and self.at("Colon", 1))

    def parse_type(self) -> Type:
        """`type` of language.md §3; errors P007/P008 at a line or file end."""
        tok = self.peek()
        if tok.kind == EOF or tok.nl_before:
            prev = self.toks[self.pos - 1] if self.pos > 0 else tok
            what = "end of file" if tok.kind == EOF else "end of line"
            code = "ILO-P008" if tok.kind == EOF else "ILO-P007"
            raise ParseError(code, f"expected type, got {what}", prev.start, prev.end)
        self.enter()
        try:
            return self._parse_type_inner(tok)
        finally:
            self.leave()

    def _parse_type_inner(self, tok: Token) -> Type:
        kind = tok.kind
        if kind == IDENT:
            self.advance()
            return {"n": NUM, "t": TTEXT, "b": BOOL}.get(str(tok.value)) or TNamed(str(tok.value))
        if kind == "Underscore":
            self.advance()
            return ANY
        if kind == "ListType":
            self.advance()
            return TList(self.parse_type())
        if kind == "OptType":
            self.advance()
            return TOpt(self.parse_type())
        if kind in ("ResultType", "MapType"):
            self.advance()
            a = self.parse_type()
            b = self.parse_type()
            return TResult(a, b) if kind == "ResultType" else TMap(a, b)
        if kind == "SumType":
            self.advance()
            variants: list[str] = []
            while self.at(IDENT) and not self.peek().nl_before and not self.at("Colon", 1):
                variants.append(str(self.advance().value))
            if not variants:
                raise ParseError("ILO-P010", "S type requires at least one variant", tok.start, tok.end)
            return TSum(tuple(variants))
        if kind == "FnType":
            self.advance()
            parts: list[Type] = []
            while self.at_type_start():
                parts.append(self.parse_type())
            if not parts:
                raise self.error_at("ILO-P009", "F type requires at least a return type", tok)
            return TFn(tuple(parts[:-1]), parts[-1])
        if kind == "LParen":
            self.advance()
            inner = self.parse_type()
            self.expect("RParen")
            return inner
        raise self.error_at("ILO-P007", f"expected type, got {tok.name()}", tok)
