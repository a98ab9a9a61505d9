"""Atoms (language.md §4.1-§4.2, §4.7, §2.4): literals, names with field chains and the
`xs.i` rewrite, parenthesised expressions, list literals in both modes, and inline lambdas
with their lifting to `__lit_N`.
"""

from __future__ import annotations

from . import ast as A
from .builtin_names import LONG_ALIASES
from .captures import compute_captures
from .parser_core import ParseError, ParserCore
from .tokens import IDENT, INFIX_PREC, NUMBER, TEXT, Token

_DOT_PAREN_HINT = (
    "field access requires an identifier after `.`. For variable-position list indexing use "
    "`at {obj} (expr)`, or bind the index to a name first: `i:expr;{obj}.i`."
)
_LAMBDA_CLOSE_HINT = (
    "chained calls inside an inline-lambda body need explicit parens: `(a:n x:t>n;+a (kc (body "
    "x)))`. The body parses a single prefix call greedily and the trailing idents look like a "
    "malformed lambda close."
)
_LIST_SEMI_HINT = "ilo list literals use whitespace: `[1 2 3]` (commas optional: `[1, 2, 3]`)"


class AtomParser(ParserCore):
    """Literals, names, parentheses, lists and lambdas."""

    # Provided by the expression and statement parsers.
    def parse_expr(self) -> A.Expr:
        raise NotImplementedError

    def parse_operand(self) -> A.Expr:
        raise NotImplementedError

    def parse_stmt(self) -> A.Stmt:
        raise NotImplementedError

    def parse_infix(self, left: A.Expr, start: int, min_prec: int) -> A.Expr:
        raise NotImplementedError

    def parse_unwrap_call(self, tok: Token) -> A.Expr:
        raise NotImplementedError

    def parse_record(self, tok: Token) -> A.Expr:
        raise NotImplementedError

    def parse_call_args(self, callee: str, entry: object, limit: int | None) -> list[A.Expr]:
        raise NotImplementedError

    def table_call_here(self, i: int) -> object:
        raise NotImplementedError

    def parse_match(self, subject: A.Expr | None, start: int) -> A.Expr:
        raise NotImplementedError

    # ---------------------------------------------------------------- atoms

    def parse_atom(self) -> A.Expr:
        """atom ::= NUMBER | TEXT | true | false | nil | _ | lambda | "(" expr ")" | list
        | IDENT ["()"|"!()"|"!!()"] {("."|".?") (IDENT|INT)}"""
        tok = self.peek()
        kind = tok.kind
        if kind == NUMBER:
            self.advance()
            return A.Num(float(tok.value), span=self.span_from(tok.start))  # type: ignore[arg-type]
        if kind == TEXT:
            self.advance()
            return A.Text(str(tok.value), span=self.span_from(tok.start))
        if kind in ("True", "False"):
            self.advance()
            return A.Bool(kind == "True", span=self.span_from(tok.start))
        if kind == "Nil":
            self.advance()
            return A.Nil(span=self.span_from(tok.start))
        if kind == "Underscore":
            self.advance()
            return A.Name("_", span=self.span_from(tok.start))
        if kind == "LParen":
            if self.is_lambda_start(self.pos):
                return self.parse_lambda()
            return self.parse_paren()
        if kind == "LBracket":
            return self.parse_list()
        if kind == IDENT:
            return self.parse_name_atom(tok)
        raise self.expected_expression(tok)

    def parse_name_atom(self, tok: Token) -> A.Expr:
        name = str(tok.value)
        nxt = self.peek(1)
        if (
            nxt.kind in ("Bang", "BangBang")
            and self.glued(tok, nxt)
            and self.at("LParen", 2)
            and self.at("RParen", 3)
        ):
            return self.parse_unwrap_call(tok)
        self.advance()
        if (nxt.kind == "LParen" and self.at("RParen", 1)) or name == "mmap":
            if nxt.kind == "LParen" and self.at("RParen", 1):
                self.advance()
                self.advance()
            call = A.Call(_callee(name), [], span=self.span_from(tok.start))
            return self.parse_fields(call, tok.start)
        return self.finish_name(tok)

    def finish_name(self, tok: Token) -> A.Expr:
        """A name already consumed, plus its field chain."""
        return self.parse_fields(A.Name(str(tok.value), span=self.span_from(tok.start)), tok.start)

    def parse_fields(self, obj: A.Expr, start: int) -> A.Expr:
        """`.f`, `.?f`, `.K`, `.?K` chains; `xs.i` with a bound `i` becomes `at xs i` (§4.2)."""
        while self.peek().kind in ("Dot", "DotQuestion"):
            dot = self.advance()
            safe = dot.kind == "DotQuestion"
            tok = self.peek()
            if tok.kind == NUMBER and tok.field:
                self.advance()
                obj = A.Index(obj, int(float(tok.value)), safe, span=self.span_from(start))  # type: ignore[arg-type]
                continue
            if tok.kind == IDENT or (tok.field and tok.kind != NUMBER):
                self.advance()
                fname = str(tok.value)
                if not safe and self.is_bound(fname) and fname not in self.record_fields:
                    index = A.Name(fname, span=_span_of(tok))
                    obj = A.Call("at", [obj, index], span=self.span_from(start))
                else:
                    obj = A.Field(obj, fname, safe, span=self.span_from(start))
                continue
            if tok.kind == "LParen" and not safe:
                owner = obj.name if isinstance(obj, A.Name) else "xs"
                raise self.error_at(
                    "ILO-P005", "expected identifier, got LParen", tok, _DOT_PAREN_HINT.format(obj=owner)
                )
            raise self.expected_ident(tok)
        return obj

    def parse_paren(self) -> A.Expr:
        """`( expr )`, with a field chain after it."""
        tok = self.advance()
        inner = self.parse_expr()
        self.expect("RParen")
        # Re-span the parenthesised expression so it covers the parentheses.
        if self.peek().kind in ("Dot", "DotQuestion"):
            return self.parse_fields(inner, tok.start)
        return inner

    # ---------------------------------------------------------------- lists

    def parse_list(self) -> A.Expr:
        """`[a b c]` (whitespace mode) or `[a, b, c]` (comma mode), §4.7."""
        tok = self.advance()
        comma_mode = self.list_has_comma(self.pos - 1)
        items: list[A.Expr] = []
        while not self.at("RBracket") and not self.at("EOF"):
            if self.at("Semi"):
                raise self.error_at(
                    "ILO-P009", "`;` is not a list separator inside `[...]`", self.peek(), _LIST_SEMI_HINT
                )
            items.append(self.parse_expr() if comma_mode else self.parse_list_element())
            if self.at("Comma"):
                self.advance()
        self.expect("RBracket")
        return A.ListLit(items, span=self.span_from(tok.start))

    def list_has_comma(self, i: int) -> bool:
        close = self.find_close(i)
        end = close if close is not None else len(self.toks)
        depth = 0
        for j in range(i + 1, end):
            kind = self.toks[j].kind
            if kind in ("LParen", "LBracket", "LBrace"):
                depth += 1
            elif kind in ("RParen", "RBracket", "RBrace"):
                depth -= 1
            elif depth == 0 and kind == "Comma":
                return True
        return False

    def parse_list_element(self) -> A.Expr:
        """A whitespace-mode element: no greedy calls, table names capped at their arity, and
        infix operators always combine with the next operand."""
        self.enter()
        try:
            start = self.peek().start
            tok = self.peek()
            elem: A.Expr
            if tok.kind == IDENT:
                nxt = self.peek(1)
                entry = self.table_call_here(self.pos)
                if nxt.kind in ("Bang", "BangBang") and self.glued(tok, nxt):
                    elem = self.parse_unwrap_call(tok)
                elif nxt.kind == IDENT and self.at("Colon", 2):
                    elem = self.parse_record(tok)
                elif tok.value in ("rnd", "now", "random") and not self.can_start_operand(self.pos + 1):
                    self.advance()
                    elem = A.Call(_callee(str(tok.value)), [], span=self.span_from(start))
                elif entry is not None and self.can_start_operand(self.pos + 1):
                    self.advance()
                    args = self.parse_call_args(str(tok.value), entry, entry.arity)  # type: ignore[attr-defined]
                    elem = A.Call(_callee(str(tok.value)), args, span=self.span_from(start))
                else:
                    elem = self.parse_operand()
            else:
                elem = self.parse_operand()
            if self.peek().kind in INFIX_PREC:
                elem = self.parse_infix(elem, start, 1)
            return elem
        finally:
            self.leave()

    # ---------------------------------------------------------------- lambdas

    def is_lambda_start(self, i: int) -> bool:
        """`(` followed by `IDENT :` or `>`, with a `>` at depth 1 before the matching `)`."""
        n1 = self.tok_at(i + 1)
        if not (n1.kind == "Greater" or (n1.kind == IDENT and self.tok_at(i + 2).kind == "Colon")):
            return False
        depth = 0
        j = i
        while j < len(self.toks):
            kind = self.toks[j].kind
            if kind in ("LParen", "LBracket", "LBrace"):
                depth += 1
            elif kind in ("RParen", "RBracket", "RBrace"):
                depth -= 1
                if depth == 0:
                    return False
            elif kind == "Greater" and depth == 1:
                return True
            elif kind == "EOF":
                return False
            j += 1
        return False

    def parse_lambda(self) -> A.Expr:
        """`(p:t … >ret;body)`, lifted to `__lit_N` (numbered when it finishes parsing)."""
        open_tok = self.advance()
        params: list[A.Param] = []
        while self.at(IDENT) and self.at("Colon", 1):
            ptok = self.advance()
            self.advance()
            ptype = self.parse_type()
            params.append(A.Param(str(ptok.value), ptype, span=self.span_from(ptok.start)))
        self.expect("Greater")
        ret = self.parse_type()
        if self.at("Semi"):
            self.advance()
        self.scopes.append({p.name for p in params})
        try:
            body = [self.parse_stmt()]
            while self.at("Semi"):
                self.advance()
                if self.at("RParen"):
                    break
                body.append(self.parse_stmt())
        finally:
            self.scopes.pop()
        if not self.at("RParen"):
            tok = self.peek()
            if tok.kind == "EOF":
                raise ParseError("ILO-P004", "expected RParen, got EOF", 0, 0)
            raise self.error_at(
                "ILO-P003",
                f"expected `)` to close inline lambda body, got {tok.name()}",
                tok,
                _LAMBDA_CLOSE_HINT,
            )
        self.advance()
        name = f"__lit_{self.lambda_count}"
        self.lambda_count += 1
        captures = compute_captures([p.name for p in params], body, lambda n: self.arity_entry(n) is not None)
        span = self.span_from(open_tok.start)
        self.lambdas.append(A.FnDecl(name, params, ret, body, True, list(captures), span=span))
        self.add_user_function(name, [p.type for p in params])
        return A.LambdaRef(name, list(captures), span=span)


def _span_of(tok: Token) -> A.Span:
    return A.Span(tok.start, tok.end)


def _callee(name: str) -> str:
    return LONG_ALIASES.get(name, name)
