"""Source-level warnings and hints (diagnostics.md §10.1, §10.3).

Both look at the source with text-literal contents and `--` comments blanked out, so that
`"a && b"` or `-- use // here` never trigger them.
"""

from __future__ import annotations

from ilo_runtime.diagnostics import Diagnostic

from . import ast as A
from .builtin_names import LONG_ALIASES
from .lexer import LexError, tokenize
from .tokens import IDENT, NUMBER, TEXT, Token

_CROSS_LANGUAGE = [
    ("&&", "'&&' — ilo uses '&' for AND"),
    ("||", "'||' — ilo uses '|' for OR"),
    ("->", "'->' — ilo uses '>' for return type separator"),
    ("//", "'//' — ilo uses '--' for comments"),
]

_PAIR_HINTS = {
    ("Star", "Slash"): ("*/", "(a/b)*c", "/*a b c", "r=*a b;/r c"),
    ("Slash", "Star"): ("/*", "(a*b)/c", "*/a b c", "r=/a b;*r c"),
    ("Plus", "Minus"): ("+-", "(a-b)+c", "-+a b c", "r=+a b;- r c"),
    ("Minus", "Plus"): ("-+", "(a+b)-c", "+-a b c", "r=-a b;+r c"),
}
_VALUE_KINDS = frozenset({IDENT, NUMBER, TEXT, "True", "False", "Nil"})
_NOT_PREFIX_AFTER = _VALUE_KINDS | {"RParen", "RBracket", "RBrace", "Bang", "BangBang", "LParen"}


def blank_source(text: str) -> str:
    """`text` with the contents of text literals and `--` comments replaced by spaces."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            out.append('"')
            i += 1
            while i < n and text[i] != '"':
                step = 2 if text[i] == "\\" and i + 1 < n else 1
                out.append(" " * step)
                i += step
            if i < n:
                out.append('"')
                i += 1
            continue
        if ch == "-" and text.startswith("--", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def cross_language_warning(text: str) -> Diagnostic | None:
    """The warning for `&&`, `||`, `->`, `//` outside texts and comments (§10.1), if any."""
    blanked = blank_source(text)
    items = [msg for pattern, msg in _CROSS_LANGUAGE if pattern in blanked]
    if not items:
        return None
    return Diagnostic(
        message="source contains syntax from another language: " + ", ".join(items),
        severity="warning",
    )


def _tokens(text: str) -> list[Token]:
    try:
        return tokenize(text)
    except LexError:
        return []


def _long_alias_hint(toks: list[Token]) -> str | None:
    for tok in toks:
        if tok.kind == IDENT and not tok.field and tok.value in LONG_ALIASES:
            name = str(tok.value)
            return f"hint: `{name}` → `{LONG_ALIASES[name]}` (canonical short form)"
    return None


def _operator_pair_hint(toks: list[Token]) -> str | None:
    for i in range(len(toks) - 2):
        pair = (toks[i].kind, toks[i + 1].kind)
        if pair not in _PAIR_HINTS:
            continue
        prev_kind = toks[i - 1].kind if i > 0 else None
        if prev_kind in _NOT_PREFIX_AFTER or toks[i + 2].kind not in _VALUE_KINDS:
            continue
        ops, reading, swapped, bind = _PAIR_HINTS[pair]
        return (
            f"hint: `{ops}a b c` parses as `{reading}` (inner prefix op binds first). For the other "
            f"order, swap the ops (`{swapped}`) or bind: `{bind}`"
        )
    return None


def _discarded_body(stmts: list[A.Stmt]) -> bool:
    """Is there a braced conditional whose first block is exactly one `^…`/`~…` statement?"""
    for s in stmts:
        if isinstance(s, A.If):
            then = s.then
            if (
                len(then) == 1
                and isinstance(then[0], A.ExprStmt)
                and isinstance(then[0].expr, (A.MakeOk, A.MakeErr))
            ):
                return True
            if _discarded_body(then) or (s.else_ is not None and _discarded_body(s.else_)):
                return True
        elif isinstance(s, (A.ForEach, A.ForRange, A.While)):
            if _discarded_body(s.body):
                return True
        elif isinstance(s, A.ExprStmt) and isinstance(s.expr, A.Match):
            if any(_discarded_body(arm.body) for arm in s.expr.arms):
                return True
    return False


def hints(text: str, program: A.Program) -> list[str]:
    """Idiom hints after a successful run (diagnostics.md §10.3), each kind at most once."""
    out: list[str] = []
    if "==" in blank_source(text):
        out.append("hint: `==` → `=` saves 1 char (both mean equality in ilo)")
    toks = _tokens(text)
    alias = _long_alias_hint(toks)
    if alias:
        out.append(alias)
    pair = _operator_pair_hint(toks)
    if pair:
        out.append(pair)
    for decl in program.decls:
        if isinstance(decl, A.FnDecl) and _discarded_body(decl.body):
            out.append(
                'hint: `cond{^"err"}` and `cond{~v}` discard the body expression. For early-return '
                'use the braceless form `cond ^"err"` or wrap the body in `{ret ^"err"}`.'
            )
            break
    return out
