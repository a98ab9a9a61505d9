"""Hypothesis strategies that write well-formed level-1/2 ilo programs as source text.

`programs()` draws a `GenProgram`: one to three functions over numbers and bools, each on its
own line, using what design.md §3 lists for levels 1 and 2 (arithmetic, comparisons, epsilon
`=`/`!=`, `&`/`|`/`!`, braceless and braced guards, ternaries in all three spellings, matches on
number/bool literals, `wh` loops with bounded counters, `@i a..b` loops, `brk`/`cnt`/`ret`,
calls to functions defined earlier, at most one self-recursive function, and the numeric
builtins). Every program terminates: `wh` loops count a reserved counter up to a small literal
(the increment is the first statement of the body, so `cnt` cannot skip it); `@i a..b` loops
either have bounds clamped to a few units or end their body with an unconditional `brk` (then
any bound is fine, huge, infinite and NaN included, since the body runs at most once); a
recursive function starts with `<= x 0 base`, calls itself once with `- x 1` and never rebinds
`x` (NaN and inf recurse until the depth limit, ILO-R010, which is worth testing too).

The text follows language.md §4.3-§4.6 conservatively: every operand that is not a literal, a
name or a prefix operator expression is parenthesised (calls, ternaries, matches, negation),
each operator is followed by a space (so `-` never glues into a negative literal and `=` never
into `==`), negative constants are written `(- 3)`, zero-argument calls `f1()`, and a
parenthesised comparison never starts with `>` (that would be a lambda, §2.4). Every
variable name is fresh (`v1`, `v2`, ...), so rebinding never changes a variable's type and a
name created in a block is never read after it; loop counters (`k1`, ...) are never rebound.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import strategies as st

NUM = "n"
BOOL = "b"

UNARY_MATH = ("abs", "flr", "cel", "rou", "sqrt", "exp", "log", "log10", "log2", "sin", "cos",
              "tan", "asin", "acos", "atan")
BINARY_MATH = ("min", "max", "mod", "pow", "atan2")
COMPARISONS = ("<", ">", "<=", ">=", "=", "!=")
ARITHMETIC = ("+", "-", "*", "/")

# Literals worth having in programs: small integers, ties for `rou`, values whose sums are
# not exact (0.1 + 0.2), the epsilon of `=`, extremes and subnormals.
INTERESTING_LITERALS = (0.0, 1.0, 2.0, 3.0, 4.0, 10.0, 100.0, 0.5, 1.5, 2.5, 0.1, 0.2, 0.3,
                        2.220446049250313e-16, 1e-16, 1e-300, 5e-324, 1e300, 1.7976931348623157e308,
                        4503599627370496.0, 9007199254740992.0, 0.49999999999999994, 1e16)
PATTERN_LITERALS = (0.0, 1.0, 2.0, 3.0, 0.5, 2.5, 0.1)


@dataclass(frozen=True)
class Signature:
    """A generated function's name, parameter names and types (`n`/`b`) and result type."""

    name: str
    param_names: tuple[str, ...]
    param_types: tuple[str, ...]
    ret: str


@dataclass
class GenProgram:
    """A generated program: source text, its functions in order, and the numeric literals it
    contains (inputs near them probe comparison boundaries)."""

    source: str
    functions: list[Signature]
    literals: list[float] = field(default_factory=list)


def number_text(x: float) -> str:
    """An ilo number literal for a finite, non-negative float (`repr` forms all lex as ilo
    numbers: `0.1`, `1e+300`, `5e-324`)."""
    assert math.isfinite(x) and math.copysign(1.0, x) > 0
    return repr(float(x))


@dataclass
class _Limits:
    max_depth: int = 3  # expression nesting
    max_stmts: int = 4  # statements per nested block
    max_top_stmts: int = 7
    max_loop_depth: int = 2
    # False: bounds of run-once loops beyond the int64 range are pushed to +-inf first, so
    # that the program does not depend on how a finite bound >= 2**63 is truncated (the
    # fallback tier does not saturate those; see test_differential.py).
    huge_range_bounds: bool = True


class _FunctionWriter:
    """Writes one function body; `draw` is Hypothesis's draw function."""

    def __init__(self, draw: Callable, sig: Signature, earlier: list[Signature],
                 names: dict[str, int], literals: list[float], limits: _Limits,
                 recursive: bool = False, recursive_names: frozenset[str] = frozenset()
                 ) -> None:
        self.draw = draw
        self.sig = sig
        self.earlier = earlier
        self.names = names  # program-wide counters for fresh names
        self.literals = literals
        self.limits = limits
        self.scopes: list[dict[str, str]] = [dict(zip(sig.param_names, sig.param_types,
                                                      strict=True))]
        self.protected: set[str] = set()  # never rebound: `wh` counters, recursion depth
        self.loops: list[str] = []  # "wh", "range" or "once" (body ends in `brk`)
        self.pending: list[str] = []  # bindings the statement being written needs first
        # Recursion stays linear and cheap: a recursive function has no loops, calls nothing
        # else and calls itself at most once; others call a recursive function outside loops.
        self.recursive = recursive
        self.recursive_names = recursive_names
        self.self_calls_left = 0
        self.in_loop_statement = False
        if recursive:
            self.earlier = []

    # ------------------------------------------------------------------ helpers

    def choice(self, options: tuple | list):
        return self.draw(st.sampled_from(options))

    def chance(self, p: float) -> bool:
        return self.draw(st.floats(0, 1)) < p

    def fresh(self, prefix: str) -> str:
        self.names[prefix] = self.names.get(prefix, 0) + 1
        return f"{prefix}{self.names[prefix]}"

    def visible(self, ty: str, rebindable: bool = False) -> list[str]:
        seen: dict[str, str] = {}
        for scope in self.scopes:
            seen.update(scope)
        return [n for n, t in seen.items()
                if t == ty and not (rebindable and (n in self.protected or n == "_"))]

    def in_scope(self, body: Callable[[], list[str]], bindings: dict[str, str] | None = None
                 ) -> list[str]:
        self.scopes.append(dict(bindings or {}))
        try:
            return body()
        finally:
            self.scopes.pop()

    # ------------------------------------------------------------------ expressions

    def literal(self) -> str:
        if self.chance(0.15):
            x = self.draw(st.floats(0, 1e6, allow_nan=False, allow_infinity=False))
        else:
            x = self.choice(INTERESTING_LITERALS)
        x = abs(x)
        self.literals.append(x)
        text = number_text(x)
        if self.chance(0.2):
            self.literals.append(-x)
            return f"(- {text})"
        return text

    def expr(self, ty: str, depth: int, lead: bool = False) -> str:
        return self.num(depth) if ty == NUM else self.boolean(depth, lead)

    def num(self, depth: int) -> str:
        """A number-valued operand."""
        names = self.visible(NUM)
        if depth <= 0 or self.chance(0.25):
            if names and self.chance(0.7):
                return self.choice(names)
            return self.literal()
        d = depth - 1
        kind = self.choice(("arith", "arith", "arith", "neg", "math1", "math2", "clamp", "call",
                            "ternary", "prefix-ternary", "brace-ternary", "match"))
        if kind == "arith":
            return f"{self.choice(ARITHMETIC)} {self.num(d)} {self.num(d)}"
        if kind == "neg":
            return f"(- {self.num(d)})"
        if kind == "math1":
            return f"({self.choice(UNARY_MATH)} {self.num(d)})"
        if kind == "math2":
            return f"({self.choice(BINARY_MATH)} {self.num(d)} {self.num(d)})"
        if kind == "clamp":
            return f"(clamp {self.num(d)} {self.num(d)} {self.num(d)})"
        return self.shared_form(kind, NUM, d)

    def truthy_num(self, depth: int) -> str:
        """A number in a truth-value context. `&`/`|` on numbers give a number at run time but
        are typed `b` by the verifier (language.md §3), so they appear only here."""
        if self.chance(0.3):
            return f"{self.choice(('&', '|'))} {self.num(depth)} {self.num(depth)}"
        return self.num(depth)

    def boolean(self, depth: int, lead: bool = False) -> str:
        """A bool-valued operand. Only a `lead` one may start with `>`: elsewhere the token
        before it may be an identifier, and `IDENT >` looks like a function header (language.md
        §4.6), or a `(`, and `(>` begins a lambda (§2.4)."""
        names = self.visible(BOOL)
        if depth <= 0 or self.chance(0.15):
            if names and self.chance(0.6):
                return self.choice(names)
            if depth <= 0 or self.chance(0.3):
                return self.choice(("true", "false"))
        d = max(depth - 1, 0)
        kind = self.choice(("compare", "compare", "compare", "bool-eq", "logic", "not", "call",
                            "ternary", "prefix-ternary", "brace-ternary", "match"))
        if kind == "compare":
            return self.compare(d, lead)
        if kind == "bool-eq":
            return f"{self.choice(('=', '!='))} {self.boolean(d, True)} {self.boolean(d)}"
        if kind == "logic":
            return f"{self.choice(('&', '|'))} {self.boolean(d, True)} {self.boolean(d)}"
        if kind == "not":
            inner = self.boolean(d) if self.chance(0.6) else self.truthy_num(d)
            return f"(! {inner})"
        return self.shared_form(kind, BOOL, d)

    def compare(self, depth: int, lead: bool = False) -> str:
        ops = COMPARISONS if lead else tuple(o for o in COMPARISONS if o != ">")
        return f"{self.choice(ops)} {self.num(depth)} {self.num(depth)}"

    def cond_atom(self, depth: int) -> str:
        """A ternary or match subject (an atom): a name or a parenthesised expression."""
        names = self.visible(BOOL) + self.visible(NUM)
        if names and self.chance(0.4):
            return self.choice(names)
        if self.chance(0.75):
            return f"({self.boolean(depth)})"
        return f"({self.truthy_num(depth)})"

    def shared_form(self, kind: str, ty: str, d: int) -> str:
        """Forms that give either type: calls, ternaries, matches."""
        if kind == "call":
            loop_free = not self.loops and not self.in_loop_statement
            callees = [s for s in self.earlier
                       if s.ret == ty and (loop_free or s.name not in self.recursive_names)]
            if self.self_calls_left and loop_free and ty == self.sig.ret:
                callees.append(self.sig)
            if callees:
                callee = self.choice(callees)
                if callee is self.sig:
                    return self.self_call(d)
                return self.call(callee, d)
            kind = "ternary"
        if kind == "ternary":
            return f"(?{self.cond_atom(d)} {self.expr(ty, d)} {self.expr(ty, d)})"
        if kind == "prefix-ternary":
            return f"(?{self.compare(d, lead=True)} {self.expr(ty, d)} {self.expr(ty, d)})"
        if kind == "brace-ternary":
            return f"(?{self.cond_atom(d)}{{{self.expr(ty, d)}}}{{{self.expr(ty, d)}}})"
        return f"({self.match_expr(ty, d)})"

    def self_call(self, depth: int) -> str:
        """The one recursive call: its first argument is the protected first parameter minus
        one, so the depth is bounded by that parameter (NaN and inf run into the depth limit,
        ILO-R010, which every tier must report)."""
        self.self_calls_left = 0
        first = self.sig.param_names[0]
        rest = [self.expr(t, depth) for t in self.sig.param_types[1:]]
        return f"({self.sig.name} {' '.join([f'- {first} 1', *rest])})"

    def call(self, sig: Signature, depth: int) -> str:
        if not sig.param_types:
            return f"{sig.name}()"
        args = " ".join(self.expr(t, depth) for t in sig.param_types)
        return f"({sig.name} {args})"

    def subject(self, depth: int) -> tuple[str, str]:
        """A match subject and its type."""
        ty = BOOL if self.chance(0.3) else NUM
        names = self.visible(ty)
        if names and self.chance(0.6):
            return self.choice(names), ty
        inner = self.boolean(depth) if ty == BOOL else self.num(depth)
        return f"({inner})", ty

    def patterns(self, ty: str, valued: bool = False) -> tuple[list[str], bool]:
        """Literal patterns for a subject of type `ty`, and whether a `_` arm must follow
        (`valued`: the match gives a value, so it must not fall through)."""
        if ty == BOOL:
            pats = self.draw(st.permutations(["true", "false"]))
            count = self.draw(st.integers(1, 2))
            return list(pats[:count]), count < 2 or self.chance(0.3)
        values = self.draw(st.lists(st.sampled_from(PATTERN_LITERALS), min_size=1, max_size=3,
                                    unique=True))
        self.literals.extend(values)
        return [number_text(v) for v in values], True

    def match_expr(self, ty: str, depth: int) -> str:
        """`?S{p:e;...;_:e}`: every arm gives a value of type `ty`."""
        subj, sty = self.subject(depth)
        pats, wild = self.patterns(sty, valued=True)
        arms = []
        for p in pats:
            arms.append(f"{p}:{self.arm_value(ty, depth, {})}")
        if wild:
            arms.append(f"_:{self.arm_value(ty, depth, {'_': sty})}")
        return f"?{subj}{{{';'.join(arms)}}}"

    def arm_value(self, ty: str, depth: int, bindings: dict[str, str]) -> str:
        def body() -> list[str]:
            if self.chance(0.25):
                name = self.fresh("v")
                first = f"{name}= {self.num(depth)}"
                self.scopes[-1][name] = NUM
                return [f"{{{first};{self.expr(ty, depth)}}}"]
            return [self.expr(ty, depth)]

        return self.in_scope(body, bindings)[0]

    # ------------------------------------------------------------------ statements

    def body(self) -> str:
        stmts = []
        if self.recursive:
            # Base case first, before the recursive call may be written.
            first = self.sig.param_names[0]
            self.protected.add(first)
            stmts.append(f"<= {first} 0 {self.expr(self.sig.ret, 1)}")
            self.self_calls_left = 1
        n = self.draw(st.integers(0, self.limits.max_top_stmts - 1))
        stmts += [s for _ in range(n) for s in self.statement(2)]
        stmts.append(self.final_statement())
        return ";".join(stmts)

    def final_statement(self) -> str:
        """The last top-level statement: it gives the function's result."""
        ret = self.sig.ret
        kind = self.choice(("expr", "expr", "expr", "expr", "ternary-stmt", "match-stmt", "ret"))
        if kind == "expr":
            return self.expr(ret, self.limits.max_depth, lead=True)
        if kind == "ret":
            return f"ret {self.keyword_operand(self.expr(ret, self.limits.max_depth))}"
        if kind == "ternary-stmt":
            cond = self.stmt_cond(2)
            a = self.block(1, ending=ret)
            b = self.block(1, ending=ret)
            return f"{cond}{{{a}}}{{{b}}}"
        subj, sty = self.subject(2)
        pats, wild = self.patterns(sty, valued=True)
        arms = [f"{p}:{{{self.block(1, ending=ret)}}}" for p in pats]
        if wild:
            arms.append("_:{" + self.block(1, ending=ret, bindings={"_": sty}) + "}")
        return f"?{subj}{{{';'.join(arms)}}}"

    def block(self, budget: int, ending: str | None = None,
              bindings: dict[str, str] | None = None, terminal: bool = True) -> str:
        """Statements of a nested block (its own scope). `ending`: the block must end with an
        expression of that type (or `ret`). `terminal`: it may end with `brk`/`cnt`/`ret`."""

        def body() -> list[str]:
            n = self.draw(st.integers(0, self.limits.max_stmts - 1))
            stmts = [s for _ in range(n) for s in self.statement(budget - 1)]
            if ending is not None:
                if self.chance(0.2):
                    stmts.append(f"ret {self.keyword_operand(self.expr(self.sig.ret, 2))}")
                else:
                    stmts.append(self.expr(ending, 2, lead=True))
            elif terminal and self.chance(0.3):
                stmts.append(self.terminal())
            if not stmts:
                stmts.append(self.simple_binding())
            return stmts

        return ";".join(self.in_scope(body, bindings))

    def terminal(self) -> str:
        options = ["ret"]
        if self.loops:
            options += ["brk", "brk-value"]
            if self.loops[-1] != "once":
                options.append("cnt")
        kind = self.choice(options)
        if kind == "ret":
            return f"ret {self.keyword_operand(self.expr(self.sig.ret, 2))}"
        if kind == "brk":
            return "brk"
        if kind == "brk-value":
            return f"brk {self.num(1)}"
        return "cnt"

    @staticmethod
    def keyword_operand(text: str) -> str:
        """The value after `ret`/`brk`: `ret =a b` would bind a variable named `ret`."""
        return f"({text})" if text.startswith("=") else text

    def simple_binding(self) -> str:
        name = self.fresh("v")
        text = f"{name}= {self.num(2)}"
        self.scopes[-1][name] = NUM
        return text

    def stmt_cond(self, depth: int) -> str:
        """A condition at statement start (braced conditionals, ternary statements)."""
        names = self.visible(BOOL)
        kind = self.choice(("compare", "compare", "logic", "name", "not"))
        if kind == "name" and names:
            return self.choice(names)
        if kind == "logic":
            return f"{self.choice(('&', '|'))} {self.boolean(depth, True)} {self.boolean(depth)}"
        if kind == "not":
            return f"! {self.compare(depth, lead=True)}"
        return self.compare(depth, lead=True)

    def guard_cond(self, depth: int, negate: bool = True) -> str:
        """A guard-eligible condition (comparison, `=`, `!=`, `&`, `|`), maybe negated."""
        if self.chance(0.3):
            op = self.choice(("&", "|"))
            if self.chance(0.6):
                cond = f"{op} {self.boolean(depth, True)} {self.boolean(depth)}"
            else:
                cond = f"{op} {self.num(depth)} {self.num(depth)}"
        else:
            cond = self.compare(depth, lead=True)
        return f"! {cond}" if negate and self.chance(0.2) else cond

    def statement(self, budget: int) -> list[str]:
        """One statement, after the bindings it needs (a `wh` loop's counter...)."""
        saved, self.pending = self.pending, []
        try:
            stmts = self.one_statement(budget)
            return [*self.pending, *stmts]
        finally:
            self.pending = saved

    def one_statement(self, budget: int) -> list[str]:
        kinds = ["bind", "bind", "bind", "rebind", "guard", "if", "ternary-stmt", "match-stmt",
                 "cond-bind", "cond-update", "expr-stmt"]
        if budget > 0 and len(self.loops) < self.limits.max_loop_depth and not self.recursive:
            kinds += ["wh", "range", "once"]
        if budget <= 0:
            kinds = ["bind", "rebind", "guard", "cond-bind"]
        kind = self.choice(kinds)
        depth = 2
        if kind == "bind":
            ty = BOOL if self.chance(0.25) else NUM
            name = self.fresh("v")
            text = f"{name}= {self.expr(ty, depth, lead=True)}"
            self.scopes[-1][name] = ty  # after the value: it cannot read itself
            return [text]
        if kind == "rebind":
            ty = BOOL if self.chance(0.25) else NUM
            names = self.visible(ty, rebindable=True)
            if not names:
                return [self.simple_binding()]
            return [f"{self.choice(names)}= {self.expr(ty, depth, lead=True)}"]
        if kind == "guard":
            return [f"{self.guard_cond(depth)} {self.expr(self.sig.ret, 1)}"]
        if kind == "if":
            cond = self.stmt_cond(depth)
            then = self.block(budget)
            if self.chance(0.4):
                return [f"{cond}{{{then}}}{{{self.block(budget)}}}"]
            return [f"{cond}{{{then}}}"]
        if kind == "ternary-stmt":
            return [f"{self.stmt_cond(depth)}{{{self.block(budget)}}}{{{self.block(budget)}}}"]
        if kind == "match-stmt":
            subj, sty = self.subject(depth)
            pats, wild = self.patterns(sty)
            arms = [f"{p}:{{{self.block(budget)}}}" for p in pats]
            if wild:
                arms.append("_:{" + self.block(budget, bindings={"_": sty}) + "}")
            return [f"?{subj}{{{';'.join(arms)}}}"]
        if kind == "cond-bind":
            # `v=cond{a}{b}`: binds the value of the chosen block's expression.
            ty = BOOL if self.chance(0.25) else NUM
            name = self.fresh("v")
            cond = self.guard_cond(depth, negate=False)
            text = f"{name}= {cond}{{{self.expr(ty, 1)}}}{{{self.expr(ty, 1)}}}"
            self.scopes[-1][name] = ty
            return [text]
        if kind == "cond-update":
            # `v=cond{e}` on an existing `v`: updated only when the condition holds.
            names = self.visible(NUM, rebindable=True)
            if not names:
                return [self.simple_binding()]
            return [f"{self.choice(names)}= {self.guard_cond(depth, negate=False)}{{{self.num(1)}}}"]
        if kind == "expr-stmt":
            return [f"({self.num(depth)})"]
        saved, self.in_loop_statement = self.in_loop_statement, True
        try:
            return self.loop_statement(kind, budget)
        finally:
            self.in_loop_statement = saved

    def loop_statement(self, kind: str, budget: int) -> list[str]:
        if kind == "wh":
            counter = self.fresh("k")
            limit = self.draw(st.integers(0, 4))
            cond = f"< {counter} {limit}"
            if self.chance(0.3):
                cond = f"& {cond} {self.boolean(1)}"
            self.scopes[-1][counter] = NUM
            self.protected.add(counter)
            inner = self.loop_body("wh", budget, {}, f"{counter}= + {counter} 1")
            return [f"{counter}= 0", f"wh {cond}{{{inner}}}"]
        var = self.fresh("i")
        if kind == "range":
            lo, hi = self.small_bound(), self.small_bound()
            inner = self.loop_body("range", budget, {var: NUM})
        else:
            lo, hi = self.num(2), self.num(2)
            if not self.limits.huge_range_bounds:
                lo, hi = self.int64_bound(lo), self.int64_bound(hi)
            inner = self.loop_body("once", budget, {var: NUM})
        return [f"@{var} {self.bound_text(lo)}..{self.bound_text(hi)}{{{inner}}}"]

    def int64_bound(self, text: str) -> str:
        """`text` where it is below 9e18 in magnitude, else +-inf (NaN stays NaN)."""
        name = self.fresh("v")
        self.pending.append(f"{name}= {text}")
        self.scopes[-1][name] = NUM
        return f"(?< (abs {name}) 9e18 {name} (* {name} 1e300))"

    @staticmethod
    def bound_text(text: str) -> str:
        # Bounds are `core`s: a prefix expression is fine as is, but keep them in parentheses
        # when they are not plain names or literals, so `..` can never be mistaken.
        if text.replace(".", "").replace("e+", "").replace("e-", "").isalnum():
            return text
        return text if text.startswith("(") else f"({text})"

    def small_bound(self) -> str:
        """A range bound that keeps loops short: a small literal or a clamped expression
        (NaN clamps to the upper limit; `sqrt` of a negative gives NaN, truncated to 0)."""
        kind = self.choice(("literal", "clamp", "sqrt"))
        if kind == "literal":
            x = self.choice((0.0, 1.0, 2.0, 3.0, 1.5, 2.9, -1.5, -2.0))
            return number_text(x) if x >= 0 else f"(- {number_text(-x)})"
        if kind == "clamp":
            return f"(clamp {self.num(1)} (- 2) 4)"
        return f"(sqrt (clamp {self.num(1)} (- 4) 9))"

    def loop_body(self, kind: str, budget: int, bindings: dict[str, str],
                  first: str | None = None) -> str:
        self.loops.append(kind)
        try:
            def body() -> list[str]:
                stmts = [first] if first else []
                n = self.draw(st.integers(1, self.limits.max_stmts - 1))
                stmts += [s for _ in range(n) for s in self.statement(budget - 1)]
                if kind == "once":
                    stmts.append("brk")
                elif self.chance(0.15):
                    stmts.append(self.terminal())
                return stmts

            return ";".join(self.in_scope(body, bindings))
        finally:
            self.loops.pop()


_PARAM_NAMES = ("x", "y", "z", "w")


@st.composite
def signatures(draw: Callable, name: str) -> Signature:
    """A function signature: up to four parameters, mostly numbers."""
    count = draw(st.integers(0, 4))
    types = tuple(draw(st.sampled_from((NUM, NUM, NUM, BOOL))) for _ in range(count))
    ret = draw(st.sampled_from((NUM, NUM, NUM, BOOL)))
    return Signature(name, _PARAM_NAMES[:count], types, ret)


def header(sig: Signature) -> str:
    params = " ".join(f"{n}:{t}" for n, t in zip(sig.param_names, sig.param_types, strict=True))
    return f"{sig.name} {params}>{sig.ret}" if params else f"{sig.name}>{sig.ret}"


@st.composite
def programs(draw: Callable, max_functions: int = 3, huge_range_bounds: bool = True
             ) -> GenProgram:
    """A program of one to `max_functions` functions; each may call the earlier ones.
    `huge_range_bounds=False`: see `_Limits`."""
    count = draw(st.integers(1, max_functions))
    recursive_index = draw(st.integers(-count, count - 1))  # negative: none
    recursive_names: set[str] = set()
    sigs: list[Signature] = []
    lines: list[str] = []
    names: dict[str, int] = {}
    literals: list[float] = []
    for i in range(count):
        sig = draw(signatures(f"f{i + 1}"))
        limits = _Limits(huge_range_bounds=huge_range_bounds)
        recursive = i == recursive_index and sig.param_types[:1] == (NUM,)
        writer = _FunctionWriter(draw, sig, list(sigs), names, literals, limits, recursive,
                                 frozenset(recursive_names))
        if recursive:
            recursive_names.add(sig.name)
        lines.append(f"{header(sig)};{writer.body()}")
        sigs.append(sig)
    return GenProgram("\n".join(lines) + "\n", sigs, sorted(set(literals)))
