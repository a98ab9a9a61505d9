"""Statements (language.md §5): bindings (with the `v=cond{…}` forms), destructuring, guards,
braced conditionals, loops, `ret`/`brk`/`cnt`, blocks and match arms.
"""

from __future__ import annotations

from . import ast as A
from .builtin_names import BUILTIN_NAMES
from .parser_core import ParseError
from .parser_expr import ExprParser
from .tokens import FRIENDLY_KEYWORDS, IDENT, NUMBER, TEXT, Token

GUARD_OPS = frozenset({">", "<", ">=", "<=", "=", "!=", "&", "|"})

_BRACE_SUGGESTION = (
    "ilo bodies are single-line, `;`-separated — not python/swift-style indented. Use either the "
    "brace-block form `name p:t>r;{body1;body2}` or the single-line form `name p:t>r;body1;body2`. "
    "For statements that require a block (`@k xs{...}`, `wh cond{...}`, `?subj{...}`), the `{...}` "
    "must be on the same line as the head."
)
_MAP_LITERAL_SUGGESTION = (
    'build maps with `mmap` (empty) and `mset`, e.g. `{name}=mset mmap "k" v` (chain `mset` for '
    "multiple entries)"
)
_MATCH_SYNTAX_OPENERS = frozenset(
    {"Plus", "Minus", "Star", "Slash", "Eq", "Greater", "GreaterEq", "Less", "LessEq", "NotEq", "Bang"}
)
_TYPE_TEST_KINDS = frozenset({"n", "t", "b", "l"})


def guard_eligible(e: A.Expr) -> bool:
    """A comparison, `=`, `!=`, `&` or `|` expression (language.md §5.3)."""
    return isinstance(e, A.BinOp) and e.op in GUARD_OPS


class StmtParser(ExprParser):
    """Statements, blocks and match arms."""

    # ---------------------------------------------------------------- statements

    def parse_stmt(self) -> A.Stmt:
        self.enter()
        try:
            return self._parse_stmt()
        finally:
            self.leave()

    def _parse_stmt(self) -> A.Stmt:
        tok = self.peek()
        start = tok.start
        kind = tok.kind
        if kind == IDENT and self.at("Eq", 1):
            return self.parse_binding(tok)
        if kind in FRIENDLY_KEYWORDS and self.at("Eq", 1):
            raise self.reserved_word_error(tok)
        if kind == "LBrace" and self.is_destructure(self.pos):
            return self.parse_destructure()
        if kind == "At":
            return self.parse_loop()
        if kind == IDENT and tok.value in ("wh", "ret", "brk", "cnt"):
            return self.parse_keyword_stmt(tok)
        if kind == "Bang":
            self.advance()
            cond = self.parse_core()
            return self.parse_guard_tail(cond, True, start)
        if kind == "Caret":
            return A.ExprStmt(self.parse_expr(), span=self.span_from(start))
        expr = self.parse_expr()
        return self.parse_guard_tail(expr, False, start)

    def parse_guard_tail(self, cond: A.Expr, negated: bool, start: int) -> A.Stmt:
        """`cond{A}`, `cond{A}{B}`, a braceless guard `cond e`, or a plain expression."""
        if self.at("LBrace"):
            then = self.parse_block()
            else_ = self.parse_block() if self.at("LBrace") else None
            return A.If(cond, then, else_, negated, span=self.span_from(start))
        if guard_eligible(cond) and self.can_start_operand():
            value = self.parse_operand()
            if self.can_start_operand() or self.at("LBrace"):
                raise self.error_at(
                    "ILO-P016",
                    "unexpected token after braceless guard body",
                    self.peek(),
                    "function calls in braceless guards need braces: >=cond val{func args}",
                )
            return A.Guard(cond, value, negated, span=self.span_from(start))
        if negated:
            cond = A.Not(cond, span=self.span_from(start))
        return A.ExprStmt(cond, span=self.span_from(start))

    def binding_name_error(self, tok: Token) -> ParseError | None:
        name = str(tok.value)
        if name in ("brk", "cnt"):
            what = "break" if name == "brk" else "continue"
            alt = "`brake` or `b`" if name == "brk" else "`count` or `c`"
            return self.error_at(
                "ILO-P011",
                f"`{name}` is reserved for {what} (loop control) and cannot be used as an identifier",
                tok,
                f"pick a different name like {alt}",
            )
        if name == "fld":
            return self.error_at(
                "ILO-P011",
                "`fld` is reserved for the fold builtin and cannot be used as an identifier",
                tok,
                "pick a different name like `field` or `folder`",
            )
        if name in BUILTIN_NAMES:
            return self.error_at(
                "ILO-P011",
                f"`{name}` is a builtin and cannot be used as a binding name",
                tok,
                f"rename to something like `my{name}` or `{name}v`. Builtins shadow local bindings in call "
                "position, so reusing the name silently mis-dispatches.",
            )
        return None

    def parse_binding(self, tok: Token) -> A.Stmt:
        """`x=e`, `v=cond{s}` and `v=cond{A}{B}` (§5.2, §5.3)."""
        err = self.binding_name_error(tok)
        if err is not None:
            raise err
        name = str(tok.value)
        self.advance()
        self.advance()
        if self.at("LBrace") and self.peek(1).kind in (TEXT, NUMBER, "RBrace"):
            raise self.error_at(
                "ILO-P009",
                f"`{name}={{...}}` — ilo has no `{{key value}}` map literal syntax",
                self.peek(),
                _MAP_LITERAL_SUGGESTION.format(name=name),
            )
        value = self.parse_expr()
        if self.at("LBrace") and guard_eligible(value):
            then = self.parse_block()
            if self.at("LBrace"):
                else_ = self.parse_block()
                self.bind(name)
                ternary = A.Ternary(
                    value, _block_value(then), _block_value(else_), span=self.span_from(value.span.start)
                )
                return A.Let(name, ternary, span=self.span_from(tok.start))
            last = then[-1]
            if isinstance(last, A.ExprStmt):
                then[-1] = A.Let(name, last.expr, span=last.span)
            self.bind(name)
            return A.If(value, then, None, span=self.span_from(tok.start))
        self.bind(name)
        return A.Let(name, value, span=self.span_from(tok.start))

    def is_destructure(self, i: int) -> bool:
        """`{` IDENT {`;` IDENT} `}` `=` (§4.8)."""
        j = i + 1
        if self.tok_at(j).kind != IDENT:
            return False
        j += 1
        while self.tok_at(j).kind == "Semi" and self.tok_at(j + 1).kind == IDENT:
            j += 2
        return self.tok_at(j).kind == "RBrace" and self.tok_at(j + 1).kind == "Eq"

    def parse_destructure(self) -> A.Stmt:
        start = self.advance().start
        names = [str(self.advance().value)]
        while self.at("Semi"):
            self.advance()
            names.append(str(self.advance().value))
        self.advance()  # }
        self.advance()  # =
        value = self.parse_expr()
        for n in names:
            self.bind(n)
        return A.Destructure(names, value, span=self.span_from(start))

    def expect_block_open(self) -> None:
        if self.at("LBrace"):
            return
        suggestion = _BRACE_SUGGESTION if self.at("Semi") else None
        raise self.expected_token("LBrace", suggestion=suggestion)

    def parse_loop(self) -> A.Stmt:
        """`@x coll{…}` and `@i a..b{…}` (§5.5)."""
        start = self.advance().start
        var = str(self.expect_ident().value)
        coll = self.parse_core()
        end: A.Expr | None = None
        if self.at("DotDot"):
            self.advance()
            end = self.parse_core()
        self.expect_block_open()
        self.bind(var)
        body = self.parse_block()
        if end is not None:
            return A.ForRange(var, coll, end, body, span=self.span_from(start))
        return A.ForEach(var, coll, body, span=self.span_from(start))

    def parse_keyword_stmt(self, tok: Token) -> A.Stmt:
        """`wh cond{…}`, `ret e`, `brk [e]`, `cnt`."""
        word = tok.value
        self.advance()
        if word == "wh":
            cond = self.parse_expr()
            self.expect_block_open()
            body = self.parse_block()
            return A.While(cond, body, span=self.span_from(tok.start))
        if word == "ret":
            return A.Ret(self.parse_expr(), span=self.span_from(tok.start))
        if word == "brk":
            nxt = self.peek()
            if nxt.kind in ("RBrace", "RParen", "EOF") or self.header_at(self.pos):
                return A.Brk(None, span=self.span_from(tok.start))
            return A.Brk(self.parse_expr(), span=self.span_from(tok.start))
        return A.Cnt(span=self.span_from(tok.start))

    # ---------------------------------------------------------------- blocks

    def parse_block(self) -> list[A.Stmt]:
        """`{ stmts }`; a trailing `;` before `}` is allowed."""
        self.expect_block_open()
        self.advance()
        self.enter()
        try:
            body = [self.parse_stmt()]
            while self.at("Semi"):
                self.advance()
                if self.at("RBrace"):
                    break
                body.append(self.parse_stmt())
            self.expect("RBrace")
            return body
        finally:
            self.leave()

    # ---------------------------------------------------------------- match

    def pattern_end(self, i: int) -> int | None:
        """If a pattern starts at token `i` and a `:` follows it, the index of that `:`."""
        t = self.tok_at(i)
        kind = t.kind
        if kind in (NUMBER, TEXT, "True", "False", "Nil", "Underscore"):
            j = i + 1
        elif kind in ("Tilde", "Caret") or (kind == IDENT and t.value in _TYPE_TEST_KINDS):
            if self.tok_at(i + 1).kind not in (IDENT, "Underscore"):
                return None
            j = i + 2
        else:
            return None
        return j if self.tok_at(j).kind == "Colon" else None

    def parse_pattern(self) -> A.Pattern:
        tok = self.peek()
        start = tok.start
        kind = tok.kind
        if kind == NUMBER:
            self.advance()
            return A.PLit(float(tok.value), span=self.span_from(start))  # type: ignore[arg-type]
        if kind == TEXT:
            self.advance()
            return A.PLit(str(tok.value), span=self.span_from(start))
        if kind in ("True", "False"):
            self.advance()
            return A.PLit(kind == "True", span=self.span_from(start))
        if kind == "Nil":
            self.advance()
            return A.PLit(None, span=self.span_from(start))
        if kind == "Underscore":
            self.advance()
            self.bind("_")
            return A.PWild(span=self.span_from(start))
        if kind in ("Tilde", "Caret") or (
            kind == IDENT and tok.value in _TYPE_TEST_KINDS and self.peek(1).kind in (IDENT, "Underscore")
        ):
            self.advance()
            name_tok = self.peek()
            if name_tok.kind not in (IDENT, "Underscore"):
                raise self.expected_ident(name_tok)
            self.advance()
            name = "_" if name_tok.kind == "Underscore" else str(name_tok.value)
            self.bind(name)
            span = self.span_from(start)
            if kind == "Tilde":
                return A.POk(name, span=span)
            if kind == "Caret":
                return A.PErr(name, span=span)
            return A.PType(str(tok.value), name, span=span)
        if kind == "EOF":
            raise ParseError("ILO-P012", "expected pattern, got EOF", 0, 0)
        raise self.error_at("ILO-P011", f"expected pattern, got {tok.name()}", tok)

    def match_syntax_error(self, subject: A.Expr | None) -> ParseError | None:
        """P011 when a match's first arm looks like a statement (§6.1)."""
        if not isinstance(subject, A.Name):
            return None
        tok = self.peek()
        looks_like_stmt = tok.kind in _MATCH_SYNTAX_OPENERS or (
            tok.kind == IDENT and not self.at("Colon", 1) and self.pattern_end(self.pos) is None
        )
        if not looks_like_stmt:
            return None
        x = subject.name
        return self.error_at(
            "ILO-P011",
            f"`?{x}{{...}}` is match syntax — the body is parsed as pattern arms, not statements",
            tok,
            f"for braced-conditional execution on a bool, use `={x} true{{body}}` (or `!{x}{{body}}` for "
            "the negated case)",
        )

    def parse_match(self, subject: A.Expr | None, start: int) -> A.Expr:
        """`?subject{pattern:body;…}` (§5.4)."""
        self.advance()  # {
        arms: list[A.Arm] = []
        first = True
        while not self.at("RBrace"):
            if first:
                err = self.match_syntax_error(subject)
                if err is not None:
                    raise err
                first = False
            arm_start = self.peek().start
            pattern = self.parse_pattern()
            self.expect("Colon")
            body = self.parse_arm_body()
            arms.append(A.Arm(pattern, body, span=self.span_from(arm_start)))
            if self.at("Semi"):
                self.advance()
            elif not self.at("RBrace"):
                raise self.expected_token("RBrace")
        self.advance()
        return A.Match(subject, arms, span=self.span_from(start))

    def parse_arm_body(self) -> list[A.Stmt]:
        """`{stmts}` or statements up to a `;` followed by a pattern and `:`, or `}`."""
        if self.at("LBrace") and not self.is_destructure(self.pos):
            return self.parse_block()
        body = [self.parse_stmt()]
        while self.at("Semi"):
            nxt = self.pos + 1
            if self.tok_at(nxt).kind in ("RBrace", "EOF") or self.pattern_end(nxt) is not None:
                break
            self.advance()
            body.append(self.parse_stmt())
        return body


def _block_value(block: list[A.Stmt]) -> A.Expr:
    """The kept value of a `v=cond{A}{B}` block: its last statement if an expression, else nil."""
    last = block[-1]
    if isinstance(last, A.ExprStmt):
        return last.expr
    return A.Nil(span=last.span)
