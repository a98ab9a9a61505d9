"""Tokens of ilo (language.md §1.2) and their names in diagnostics (diagnostics.md §4.4).

A token's `kind` is the name diagnostics use for it (`Plus`, `Semi`, `Ident`...), so error
messages print `kind` directly for fixed tokens and `Ident("x")`, `Number(3.0)`, `Text("a")`
for tokens with a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from ilo_runtime.display import debug_num, debug_text

IDENT = "Ident"
NUMBER = "Number"
TEXT = "Text"
NEWLINE = "Newline"  # a declaration boundary (language.md §1.1 rule 6)
EOF = "EOF"

# Keywords (language.md §1.2); `wh ret brk cnt alias` are identifiers.
KEYWORDS: dict[str, str] = {
    "type": "Type",
    "tool": "Tool",
    "use": "Use",
    "with": "With",
    "timeout": "Timeout",
    "retry": "Retry",
    "true": "True",
    "false": "False",
    "nil": "Nil",
    "if": "KwIf",
    "return": "KwReturn",
    "let": "KwLet",
    "fn": "KwFn",
    "def": "KwDef",
    "var": "KwVar",
    "const": "KwConst",
}

# Keywords that exist only to produce friendly errors, mapped back to their spelling.
FRIENDLY_KEYWORDS: dict[str, str] = {
    "KwIf": "if",
    "KwReturn": "return",
    "KwLet": "let",
    "KwFn": "fn",
    "KwDef": "def",
    "KwVar": "var",
    "KwConst": "const",
}

SIGILS: dict[str, str] = {
    "L": "ListType",
    "R": "ResultType",
    "F": "FnType",
    "O": "OptType",
    "M": "MapType",
    "S": "SumType",
}
SIGIL_KINDS = frozenset(SIGILS.values())

# Operators and punctuation, longest first so that a prefix match finds the longest token.
OPERATORS: list[tuple[str, str]] = [
    (">=", "GreaterEq"),
    ("<=", "LessEq"),
    ("!=", "NotEq"),
    ("+=", "PlusEq"),
    (">>", "PipeOp"),
    ("??", "NilCoalesce"),
    ("!!", "BangBang"),
    ("..", "DotDot"),
    (".?", "DotQuestion"),
    ("==", "Eq"),
    ("+", "Plus"),
    ("-", "Minus"),
    ("*", "Star"),
    ("/", "Slash"),
    (">", "Greater"),
    ("<", "Less"),
    ("=", "Eq"),
    ("&", "Amp"),
    ("|", "Pipe"),
    ("?", "Question"),
    ("@", "At"),
    ("!", "Bang"),
    ("^", "Caret"),
    ("~", "Tilde"),
    ("$", "Dollar"),
    (":", "Colon"),
    (";", "Semi"),
    (".", "Dot"),
    (",", "Comma"),
    ("{", "LBrace"),
    ("}", "RBrace"),
    ("(", "LParen"),
    (")", "RParen"),
    ("[", "LBracket"),
    ("]", "RBracket"),
    ("_", "Underscore"),
]

# Binary prefix operators (language.md §4.1 `binop`) and the source spelling of each.
BINOPS: dict[str, str] = {
    "Plus": "+",
    "Star": "*",
    "Slash": "/",
    "Greater": ">",
    "Less": "<",
    "GreaterEq": ">=",
    "LessEq": "<=",
    "Eq": "=",
    "NotEq": "!=",
    "Amp": "&",
    "Pipe": "|",
    "PlusEq": "+=",
}

# Infix operators and their precedence (language.md §4.5), loosest first.
INFIX_PREC: dict[str, int] = {
    "Pipe": 1,
    "Amp": 2,
    "Eq": 3,
    "NotEq": 3,
    "Less": 4,
    "Greater": 4,
    "LessEq": 4,
    "GreaterEq": 4,
    "PlusEq": 5,
    "Plus": 5,
    "Minus": 5,
    "Star": 6,
    "Slash": 6,
}

OP_TEXT: dict[str, str] = {kind: text for text, kind in OPERATORS if text != "=="}


@dataclass(slots=True)
class Token:
    """One token. `start`/`end` are source byte offsets (diagnostics.md §3); `ostart`/`oend`
    are character positions in the layout output, used to tell glued tokens apart."""

    kind: str
    value: str | float | None
    start: int
    end: int
    ostart: int
    oend: int
    nl_before: bool = False
    # Lexed directly after `.`/`.?` (field names and integer indexes).
    field: bool = False

    def name(self) -> str:
        """The token as parse messages name it (diagnostics.md §4.4)."""
        if self.kind == IDENT:
            return f"Ident({debug_text(str(self.value))})"
        if self.kind == TEXT:
            return f"Text({debug_text(str(self.value))})"
        if self.kind == NUMBER:
            assert isinstance(self.value, float)
            return f"Number({debug_num(self.value)})"
        return self.kind

    def text(self) -> str:
        """Source-like spelling of the token (for messages quoting operators)."""
        if self.kind in (IDENT, TEXT):
            return str(self.value)
        if self.kind == NUMBER:
            return str(self.value)
        return OP_TEXT.get(self.kind, self.kind)


def is_ident(tok: Token, name: str | None = None) -> bool:
    """True if `tok` is an identifier (named `name`, when given)."""
    return tok.kind == IDENT and (name is None or tok.value == name)
