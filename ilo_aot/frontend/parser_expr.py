"""Expression parsing (language.md §4): prefix and infix operators, calls and arguments, atoms,
field chains, records, pipes, `??`, `with` and the `?` family.

Lists and lambdas are in `parser_atoms`; this module holds the operator and call rules.
"""

from __future__ import annotations

from . import ast as A
from .builtin_names import LONG_ALIASES
from .parser_atoms import AtomParser
from .parser_core import ArityEntry, ParseError
from .tokens import BINOPS, IDENT, INFIX_PREC, NUMBER, TEXT, Token

_COMPARISONS = frozenset({"Eq", "NotEq", "Greater", "Less", "GreaterEq", "LessEq"})
_SIMPLE_OPERANDS = frozenset({IDENT, NUMBER, TEXT, "True", "False", "Nil", "Underscore"})
_P021_OPS = frozenset({"Plus", "Star", "Slash"})
_P021_MESSAGE = (
    "ambiguous double-minus prefix-binop chain: parses as `-((a OP1 b) - (c OP2 d))`, "
    "sign-flipping the second product vs the natural reading `-(a OP1 b) - (c OP2 d)`"
)
_P021_SUGGESTION = (
    "to negate the sum of both products write `- 0 +OP1 a b OP2 c d` (subtract the sum from "
    "zero); to subtract them write `p=OP1 a b; q=OP2 c d; - p q`. e.g. `-g*s - b*om` becomes "
    "`- 0 +*gl s *b om`"
)


def callee_name(name: str) -> str:
    """Long-form aliases in call position call the builtin (language.md §2.5)."""
    return LONG_ALIASES.get(name, name)


class ExprParser(AtomParser):
    """Parses `expr`, `core`, `operand`, calls and the `?` family."""

    # ---------------------------------------------------------------- expr / core

    def parse_expr(self) -> A.Expr:
        """expr ::= ["~"|"^"] core ["with" ...] {"??" core} {pipe}"""
        self.enter()
        try:
            start = self.peek().start
            tok = self.peek()
            if tok.kind in ("Tilde", "Caret"):
                self.advance()
                inner = self.parse_core()
                e: A.Expr = (A.MakeOk if tok.kind == "Tilde" else A.MakeErr)(
                    inner, span=self.span_from(start)
                )
            else:
                e = self.parse_core()
            if self.at("With"):
                e = self.parse_with(e, start)
            while self.at("NilCoalesce"):
                self.advance()
                right = self.parse_core()
                e = A.Coalesce(e, right, span=self.span_from(start))
            while self.at("PipeOp"):
                e = self.parse_pipe(e, start)
            return e
        finally:
            self.leave()

    def parse_core(self) -> A.Expr:
        """core ::= "-" minus | "!" operand | "$" … | binop popnd popnd | "??" arg core
        | "?" question | primary {infix operand}"""
        tok = self.peek()
        kind = tok.kind
        if kind == "Minus":
            return self.parse_minus()
        if kind == "Bang":
            self.advance()
            inner = self.parse_operand()
            return A.Not(inner, span=self.span_from(tok.start))
        if kind == "Dollar":
            return self.parse_dollar()
        if kind in BINOPS:
            return self.parse_binop()
        if kind == "NilCoalesce":
            return self.parse_prefix_coalesce()
        if kind == "Question":
            return self.parse_question()
        start = tok.start
        left = self.parse_primary()
        return self.parse_infix(left, start, 1)

    def parse_infix(self, left: A.Expr, start: int, min_prec: int) -> A.Expr:
        """Left-associative infix operators after a primary (§4.5); right operands are
        `operand`s (calls not expanded)."""
        while True:
            tok = self.peek()
            prec = INFIX_PREC.get(tok.kind)
            if prec is None or prec < min_prec:
                return left
            self.check_compound_operator(tok)
            self.advance()
            right_start = self.peek().start
            right = self.parse_operand()
            while True:
                nxt = INFIX_PREC.get(self.peek().kind)
                if nxt is None or nxt <= prec:
                    break
                right = self.parse_infix(right, right_start, nxt)
            left = A.BinOp(_op_text(tok), left, right, span=self.span_from(start))

    # ---------------------------------------------------------------- operands

    def parse_operand(self) -> A.Expr:
        """operand ::= binop popnd popnd | "??" arg core | "-" minus | "!" operand
        | "~" operand | "^" operand | "$" … | atom"""
        self.enter()
        try:
            tok = self.peek()
            kind = tok.kind
            if kind in BINOPS:
                return self.parse_binop()
            if kind == "NilCoalesce":
                return self.parse_prefix_coalesce()
            if kind == "Minus":
                return self.parse_minus()
            if kind == "Dollar":
                return self.parse_dollar()
            if kind == "Question":
                # Not in the grammar's operand list, but the reference accepts it (e.g. as a
                # list element: `[?<a b 1 -1]`).
                return self.parse_question()
            if kind in ("Bang", "Tilde", "Caret"):
                self.advance()
                inner = self.parse_operand()
                span = self.span_from(tok.start)
                if kind == "Bang":
                    return A.Not(inner, span=span)
                if kind == "Tilde":
                    return A.MakeOk(inner, span=span)
                return A.MakeErr(inner, span=span)
            return self.parse_atom()
        finally:
            self.leave()

    def check_compound_operator(self, tok: Token) -> None:
        """Friendly P003s for `=<`, `=>`, `&&`, `||` (diagnostics.md §6.1)."""
        nxt = self.peek(1)
        if not self.glued(tok, nxt):
            return
        if tok.kind == "Eq" and nxt.kind in ("Less", "Greater"):
            op = "=<" if nxt.kind == "Less" else "=>"
            good = "<=" if nxt.kind == "Less" else ">="
            raise self.error_at(
                "ILO-P003",
                f"`{op}` is not an ilo operator; compound prefix forms don't compose",
                tok,
                f"use `{good}` (single token) instead, e.g. `{good}a b` for the comparison",
            )
        if tok.kind == nxt.kind == "Amp":
            raise self.error_at(
                "ILO-P003",
                "unexpected '&&': ilo uses single '&' for AND",
                tok,
                "ilo uses single '&' for AND, '|' for OR",
            )
        if tok.kind == nxt.kind == "Pipe":
            raise self.error_at(
                "ILO-P003",
                "unexpected '||': ilo uses single '|' for OR",
                tok,
                "ilo uses single '&' for AND, '|' for OR",
            )

    def parse_binop(self) -> A.Expr:
        """binop popnd popnd, with the prefix-chain diagnostic (P003) on too few operands."""
        tok = self.peek()
        start_pos = self.pos
        self.check_compound_operator(tok)
        run_head = start_pos == 0 or self.toks[start_pos - 1].kind not in BINOPS
        try:
            self.advance()
            left = self.parse_popnd()
            right = self.parse_popnd()
        except ParseError as err:
            if run_head and err.code in ("ILO-P009", "ILO-P010"):
                chain = self.prefix_chain_error(start_pos)
                if chain is not None:
                    raise chain from None
            raise
        return A.BinOp(BINOPS[tok.kind], left, right, span=self.span_from(tok.start))

    def prefix_chain_error(self, i: int) -> ParseError | None:
        """P003 for a run of K >= 2 prefix operators followed by fewer than K+1 operands."""
        j = i
        while self.tok_at(j).kind in BINOPS:
            j += 1
        k = j - i
        if k < 2:
            return None
        found = 0
        while self.tok_at(j).kind in _SIMPLE_OPERANDS:
            found += 1
            j += 1
        if found >= k + 1:
            return None
        ops = "".join(BINOPS[self.toks[x].kind] for x in range(i, i + k))
        letters = " ".join(chr(ord("a") + x) if x < 26 else f"x{x}" for x in range(k + 1))
        first = ops[: len(BINOPS[self.toks[i].kind])]
        suggestion = (
            f"a run of {k} prefix operators takes {k + 1} operands. Add operands (e.g. "
            f"`{ops}{letters}`), shorten the chain, or bind intermediate results first: "
            f"`r={first}a b;…r` keeps each step explicit."
        )
        head = self.toks[i]
        return ParseError(
            "ILO-P003",
            f"prefix chain `{ops}` needs {k + 1} operands but found {found}",
            head.start,
            head.end,
            suggestion,
        )

    def parse_minus(self) -> A.Expr:
        """`-` reads one operand; subtraction if another can start, else negation (§4.4)."""
        tok = self.advance()
        self.check_double_minus(tok)
        left = self.parse_operand()
        if self.can_start_operand():
            right = self.parse_operand()
            return A.BinOp("-", left, right, span=self.span_from(tok.start))
        return A.Neg(left, span=self.span_from(tok.start))

    def check_double_minus(self, tok: Token) -> None:
        """P021: `- -OP a b OP c d` with OPs in `+ * /` and single-token operands."""
        i = self.pos  # the token after the first `-`
        kinds = [self.tok_at(i + k).kind for k in range(7)]
        if (
            kinds[0] == "Minus"
            and kinds[1] in _P021_OPS
            and kinds[2] in _SIMPLE_OPERANDS
            and kinds[3] in _SIMPLE_OPERANDS
            and kinds[4] in _P021_OPS
            and kinds[5] in _SIMPLE_OPERANDS
            and kinds[6] in _SIMPLE_OPERANDS
        ):
            raise self.error_at("ILO-P021", _P021_MESSAGE, tok, _P021_SUGGESTION)

    def parse_dollar(self) -> A.Expr:
        """`$x` is `get x` (HTTP, parsed only)."""
        tok = self.advance()
        unwrap = None
        if self.peek().kind in ("Bang", "BangBang"):
            unwrap = "!" if self.advance().kind == "Bang" else "!!"
        arg = self.parse_operand()
        return A.Call("get", [arg], unwrap, span=self.span_from(tok.start))

    def parse_prefix_coalesce(self) -> A.Expr:
        """Prefix `??a b`: `a` is a call argument (capped calls expand), `b` a core."""
        tok = self.advance()
        left = self.parse_arg(0, None, "??")
        right = self.parse_core()
        return A.Coalesce(left, right, span=self.span_from(tok.start))

    # ---------------------------------------------------------------- calls

    def table_call_here(self, i: int) -> ArityEntry | None:
        """The table entry if the identifier at token `i` expands into a capped call: in the
        table with arity > 0 and not followed by `.`, `.?`, a glued `!`/`!!`, `()` or `IDENT :`."""
        tok = self.tok_at(i)
        if tok.kind != IDENT:
            return None
        entry = self.arity_entry(str(tok.value))
        if entry is None or entry.arity == 0:
            return None
        nxt = self.tok_at(i + 1)
        if nxt.kind in ("Dot", "DotQuestion"):
            return None
        if nxt.kind in ("Bang", "BangBang") and self.glued(tok, nxt):
            return None
        if nxt.kind == "LParen" and self.tok_at(i + 2).kind == "RParen":
            return None
        if nxt.kind == IDENT and self.tok_at(i + 2).kind == "Colon":
            return None
        return entry

    def parse_popnd(self) -> A.Expr:
        """An operand of a prefix binary operator: table names with an operand after them
        become capped calls (§4.3)."""
        entry = self.table_call_here(self.pos)
        if entry is not None and self.can_start_operand(self.pos + 1):
            tok = self.advance()
            args = self.parse_call_args(str(tok.value), entry, entry.arity)
            return A.Call(callee_name(str(tok.value)), args, span=self.span_from(tok.start))
        return self.parse_operand()

    def parse_call_args(self, callee: str, entry: ArityEntry | None, limit: int | None) -> list[A.Expr]:
        """Arguments of a call (§4.6): all of them (greedy) or at most `limit`. Infix
        operators go through the prefix scan; `??` ends the call once an argument was read."""
        args: list[A.Expr] = []
        while limit is None or len(args) < limit:
            tok = self.peek()
            if tok.kind == "NilCoalesce":
                if args or not self.prefix_scan(self.pos):
                    break
            elif tok.kind in INFIX_PREC:
                if not self.prefix_scan(self.pos):
                    break
            elif not self.can_start_operand():
                break
            args.append(self.parse_arg(len(args), entry, callee))
        return args

    def parse_arg(self, slot: int, entry: ArityEntry | None, callee: str = "") -> A.Expr:
        """One call argument (§4.6): function slots take a plain operand, `fmt` takes the rest
        in a table call's last slot, table names expand into capped calls."""
        if entry is not None and slot in entry.fn_slots:
            return self.parse_operand()
        tok = self.peek()
        if entry is not None and tok.kind == IDENT and tok.value in ("fmt", "format"):
            if slot < entry.arity - 1:
                raise self.fmt_not_last(tok, slot, entry, callee)
            self.advance()
            args = self.parse_call_args("fmt", None, None)
            return A.Call("fmt", args, span=self.span_from(tok.start))
        nested = self.table_call_here(self.pos)
        if nested is not None:
            self.advance()
            args = self.parse_call_args(str(tok.value), nested, nested.arity)
            return A.Call(callee_name(str(tok.value)), args, span=self.span_from(tok.start))
        return self.parse_operand()

    def fmt_not_last(self, tok: Token, slot: int, entry: ArityEntry, callee: str) -> ParseError:
        word = str(tok.value)
        return self.error_at(
            "ILO-P018",
            f"`{word}` must be the last argument to `{callee}`; wrap in parens to use it earlier",
            tok,
            f"`{callee}` expects {entry.arity} args and `{word}` is at slot {slot} of {entry.arity}. "
            f'Either move `{word}` to the last position, or write `({word} "..." ...)` so its args '
            "are grouped.",
        )

    def parse_primary(self) -> A.Expr:
        """A primary (§4.6): unwrap calls, `f()`, record construction, zero-argument builtins,
        greedy calls, or an atom."""
        tok = self.peek()
        if tok.kind == IDENT:
            return self.parse_ident_primary(tok)
        if (
            tok.kind == "LParen"
            and self.at(IDENT, 1)
            and self.at("RParen", 2)
            and self.can_start_operand(self.pos + 3)
        ):
            # `(x) args…`: a parenthesised name is a callee too.
            name = str(self.peek(1).value)
            save = self.pos, self.last_end
            self.pos += 3
            self.last_end = self.toks[self.pos - 1].end
            args = self.parse_greedy_args(name)
            if args:
                return A.Call(callee_name(name), args, span=self.span_from(tok.start))
            self.pos, self.last_end = save
        return self.parse_atom()

    def parse_greedy_args(self, name: str) -> list[A.Expr]:
        return self.parse_call_args(name, self.arity_entry(name), None)

    def parse_ident_primary(self, tok: Token) -> A.Expr:
        name = str(tok.value)
        nxt = self.peek(1)
        if nxt.kind in ("Bang", "BangBang") and self.glued(tok, nxt):
            return self.parse_unwrap_call(tok)
        if nxt.kind == "LParen" and self.at("RParen", 2):
            return self.parse_atom()
        if nxt.kind == IDENT and self.at("Colon", 2):
            return self.parse_record(tok)
        if name == "mmap":
            return self.parse_atom()
        if name in ("rnd", "now", "random") and not self.can_start_operand(self.pos + 1):
            self.advance()
            return A.Call(callee_name(name), [], span=self.span_from(tok.start))
        if nxt.kind in ("Dot", "DotQuestion"):
            return self.parse_atom()
        if self.can_start_operand(self.pos + 1):
            self.advance()
            args = self.parse_greedy_args(name)
            if args:
                return A.Call(callee_name(name), args, span=self.span_from(tok.start))
            return self.finish_name(tok)
        return self.parse_atom()

    def parse_unwrap_call(self, tok: Token) -> A.Expr:
        """`f! args` / `f!! args`: every following operand is an argument (§4.9)."""
        self.advance()
        unwrap = "!" if self.advance().kind == "Bang" else "!!"
        name = str(tok.value)
        if self.at("LParen") and self.at("RParen", 1):
            self.advance()
            self.advance()
            return A.Call(callee_name(name), [], unwrap, span=self.span_from(tok.start))
        entry = self.arity_entry(name)
        args: list[A.Expr] = []
        while self.can_start_operand():
            args.append(self.parse_arg(len(args), entry, name))
        return A.Call(callee_name(name), args, unwrap, span=self.span_from(tok.start))

    def parse_record(self, tok: Token) -> A.Expr:
        """`pt x:1 y:2`: field values are atoms (§4.8)."""
        self.advance()
        fields: list[tuple[str, A.Expr]] = []
        while self.at(IDENT) and self.at("Colon", 1):
            fname = str(self.advance().value)
            self.advance()
            fields.append((fname, self.parse_atom()))
        return A.RecordNew(str(tok.value), fields, span=self.span_from(tok.start))

    def parse_with(self, obj: A.Expr, start: int) -> A.Expr:
        """`obj with f:v g:w` (atom values)."""
        self.advance()
        updates: list[tuple[str, A.Expr]] = []
        while self.at(IDENT) and self.at("Colon", 1):
            fname = str(self.advance().value)
            self.advance()
            updates.append((fname, self.parse_atom()))
        return A.With(obj, updates, span=self.span_from(start))

    def parse_pipe(self, value: A.Expr, start: int) -> A.Expr:
        """`x>>f a` becomes `f a x` (§4.10)."""
        self.advance()
        tok = self.expect_ident()
        unwrap = None
        if self.peek().kind in ("Bang", "BangBang") and self.glued(tok, self.peek()):
            unwrap = "!" if self.advance().kind == "Bang" else "!!"
        args = self.parse_greedy_args(str(tok.value))
        return A.Call(callee_name(str(tok.value)), [*args, value], unwrap, span=self.span_from(start))

    # ---------------------------------------------------------------- the ? family

    def parse_question(self) -> A.Expr:
        """`?=x 0 a b`, `?s{A}{B}`, `?s a b`, `?s{arms}`, `?{arms}` (§4.11)."""
        tok = self.advance()
        start = tok.start
        if self.peek().kind in _COMPARISONS:
            cond = self.parse_binop()
            then = self.parse_operand()
            else_ = self.parse_operand()
            return A.Ternary(cond, then, else_, span=self.span_from(start))
        subject: A.Expr | None = None
        if not self.at("LBrace"):
            subject = self.parse_atom()
        if self.at("LBrace"):
            if subject is not None and self.is_ternary_brace(self.pos):
                self.advance()
                then = self.parse_expr()
                self.expect("RBrace")
                self.expect("LBrace")
                else_ = self.parse_expr()
                self.expect("RBrace")
                return A.Ternary(subject, then, else_, span=self.span_from(start))
            return self.parse_match(subject, start)
        assert subject is not None
        then = self.parse_operand()
        else_ = self.parse_operand()
        return A.Ternary(subject, then, else_, span=self.span_from(start))

    def is_ternary_brace(self, i: int) -> bool:
        """`{A}{B}`: no `:`/`;` at the first brace's top level and a second brace follows."""
        close = self.find_close(i)
        if close is None or self.tok_at(close + 1).kind != "LBrace":
            return False
        depth = 0
        for j in range(i + 1, close):
            kind = self.toks[j].kind
            if kind in ("LParen", "LBracket", "LBrace"):
                depth += 1
            elif kind in ("RParen", "RBracket", "RBrace"):
                depth -= 1
            elif depth == 0 and kind in ("Colon", "Semi"):
                return False
        return True


def _op_text(tok: Token) -> str:
    if tok.kind == "Minus":
        return "-"
    return BINOPS[tok.kind]
