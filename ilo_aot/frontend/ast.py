"""The ilo syntax tree (language.md §2-§5).

Every node carries `span`: byte offsets (start, end-exclusive) into the source file its
declaration came from (`FnDecl.source`). The parser desugars surface forms that have no
semantics of their own:

- pipes `x>>f a` become `Call("f", [a, x])`;
- `xs.i` with `i` a bound variable (language.md §4.2) becomes `Call("at", [xs, Name("i")])`;
- long-form builtin aliases in call position (`length xs`) become the short name;
- `v=cond{s}` becomes `If(cond, body=[... , Let(v, last_expr)])`;
- `v=cond{A}{B}` becomes `Let(v, Ternary(cond, A_last, B_last))` (non-expression last
  statements become `Nil()`);
- inline lambdas are lifted to `FnDecl(is_lambda=True, name="__lit_N")` and the expression
  becomes `LambdaRef`.

The verifier fills in `ty` (static type) on expressions and `resolved` on calls and names;
later stages read them, they never re-derive scoping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import Type


@dataclass(frozen=True)
class Span:
    """Byte offsets into one source file, end exclusive."""

    start: int
    end: int


NO_SPAN = Span(0, 0)


@dataclass(kw_only=True, eq=False)
class Node:
    span: Span = NO_SPAN


# ---------------------------------------------------------------- expressions


@dataclass(kw_only=True, eq=False)
class Expr(Node):
    # Static type, set by the verifier.
    ty: Type | None = None


@dataclass(eq=False)
class Num(Expr):
    value: float


@dataclass(eq=False)
class Text(Expr):
    value: str


@dataclass(eq=False)
class Bool(Expr):
    value: bool


@dataclass(eq=False)
class Nil(Expr):
    pass


@dataclass(eq=False)
class Name(Expr):
    """A plain name: local variable, `_`, a user function value or a builtin value.

    `resolved` (verifier): "local", "fn" (user function or tool), "builtin".
    """

    name: str
    resolved: str | None = None


@dataclass(eq=False)
class Call(Expr):
    """`callee args...`; `unwrap` is "!" or "!!" for `f! x` / `f!! x`.

    `resolved` (verifier): "builtin", "fn" (user function), "tool", "local" (a local holding a
    function value or, at run time, a text naming one).
    """

    callee: str
    args: list[Expr]
    unwrap: str | None = None
    resolved: str | None = None


@dataclass(eq=False)
class BinOp(Expr):
    """Binary operator, prefix or infix: + - * / > < >= <= = != & | +="""

    op: str
    left: Expr
    right: Expr


@dataclass(eq=False)
class Neg(Expr):
    operand: Expr


@dataclass(eq=False)
class Not(Expr):
    operand: Expr


@dataclass(eq=False)
class MakeOk(Expr):
    """`~e`"""

    value: Expr


@dataclass(eq=False)
class MakeErr(Expr):
    """`^e`"""

    value: Expr


@dataclass(eq=False)
class ListLit(Expr):
    items: list[Expr]


@dataclass(eq=False)
class Field(Expr):
    """`obj.name` or, with `safe`, `obj.?name`."""

    obj: Expr
    name: str
    safe: bool = False


@dataclass(eq=False)
class Index(Expr):
    """`obj.K` (integer literal index) or, with `safe`, `obj.?K`."""

    obj: Expr
    index: int
    safe: bool = False


@dataclass(eq=False)
class RecordNew(Expr):
    """`pt x:1 y:2`"""

    type_name: str
    fields: list[tuple[str, Expr]]


@dataclass(eq=False)
class With(Expr):
    """`obj with f:v g:w`"""

    obj: Expr
    updates: list[tuple[str, Expr]]


@dataclass(eq=False)
class Coalesce(Expr):
    """`left ?? right` (right evaluated only when left is nil)."""

    left: Expr
    right: Expr


@dataclass(eq=False)
class Ternary(Expr):
    """`?c a b`, `?=x 0 a b`, `?c{A}{B}` and bound `v=cond{A}{B}`: truthiness test."""

    cond: Expr
    then: Expr
    else_: Expr
    negated: bool = False


@dataclass(eq=False)
class LambdaRef(Expr):
    """An inline lambda, lifted to the function `fn_name`.

    Without captures it evaluates to a function value; with captures, to a closure holding the
    captured variables' current values (in this order).
    """

    fn_name: str
    captures: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- patterns


@dataclass(kw_only=True, eq=False)
class Pattern(Node):
    pass


@dataclass(eq=False)
class PLit(Pattern):
    """Number, text, `true`, `false` or `nil` literal (`value` None is nil)."""

    value: float | str | bool | None


@dataclass(eq=False)
class POk(Pattern):
    """`~v` / `~_`"""

    name: str


@dataclass(eq=False)
class PErr(Pattern):
    """`^e` / `^_`"""

    name: str


@dataclass(eq=False)
class PType(Pattern):
    """`n v`, `t v`, `b v`, `l v`: kind is one of "n", "t", "b", "l"."""

    kind: str
    name: str


@dataclass(eq=False)
class PWild(Pattern):
    """`_`: matches anything, binds the subject to `_`."""


@dataclass(eq=False)
class Arm(Node):
    pattern: Pattern
    body: list[Stmt]


@dataclass(eq=False)
class Match(Expr):
    """`?subject{arms}`; `subject` None is `?{...}`, matching nil.

    As an expression with no matching arm it gives nil; as a statement it then produces nothing.
    """

    subject: Expr | None
    arms: list[Arm]


# ---------------------------------------------------------------- statements


@dataclass(kw_only=True, eq=False)
class Stmt(Node):
    pass


@dataclass(eq=False)
class ExprStmt(Stmt):
    expr: Expr


@dataclass(eq=False)
class Let(Stmt):
    """`name=value`: updates `name` if bound in an enclosing block, else creates it here."""

    name: str
    value: Expr


@dataclass(eq=False)
class Destructure(Stmt):
    """`{a;b}=value`"""

    names: list[str]
    value: Expr


@dataclass(eq=False)
class Guard(Stmt):
    """Braceless guard `cond value` (or `!cond value`): if truthy, return `value`."""

    cond: Expr
    value: Expr
    negated: bool = False


@dataclass(eq=False)
class If(Stmt):
    """Braced conditional `cond{then}` or ternary statement `cond{then}{else_}` (no return)."""

    cond: Expr
    then: list[Stmt]
    else_: list[Stmt] | None = None
    negated: bool = False


@dataclass(eq=False)
class ForEach(Stmt):
    """`@var coll{body}`"""

    var: str
    coll: Expr
    body: list[Stmt]


@dataclass(eq=False)
class ForRange(Stmt):
    """`@var start..end{body}`"""

    var: str
    start: Expr
    end: Expr
    body: list[Stmt]


@dataclass(eq=False)
class While(Stmt):
    """`wh cond{body}` (the body is not a scope)."""

    cond: Expr
    body: list[Stmt]


@dataclass(eq=False)
class Ret(Stmt):
    value: Expr


@dataclass(eq=False)
class Brk(Stmt):
    value: Expr | None = None


@dataclass(eq=False)
class Cnt(Stmt):
    pass


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class SourceFile:
    """A source text; `path` is None for inline code (`ilo 'code'`, `load(source)`)."""

    path: str | None
    text: str


@dataclass(eq=False)
class Param(Node):
    name: str
    type: Type


@dataclass(kw_only=True, eq=False)
class Decl(Node):
    source: SourceFile | None = None


@dataclass(eq=False)
class FnDecl(Decl):
    name: str
    params: list[Param]
    ret: Type
    body: list[Stmt]
    is_lambda: bool = False
    # Lambdas only: the captured names, passed after the declared parameters.
    captures: list[str] = field(default_factory=list)


@dataclass(eq=False)
class TypeDecl(Decl):
    """`type name{f:t;g:u}`"""

    name: str
    fields: list[Param]


@dataclass(eq=False)
class AliasDecl(Decl):
    name: str
    type: Type


@dataclass(eq=False)
class ToolDecl(Decl):
    name: str
    description: str
    params: list[Param]
    ret: Type
    timeout: float | None = None
    retry: float | None = None


@dataclass(eq=False)
class UseDecl(Decl):
    """`use "path" [names]` (resolved by `imports`, which splices the file's declarations)."""

    path: str
    names: list[str] | None = None


@dataclass(eq=False)
class Program(Node):
    decls: list[Decl]
    source: SourceFile | None = None

    def functions(self) -> list[FnDecl]:
        """User functions in declaration order, lambdas excluded (language.md §9.2)."""
        return [d for d in self.decls if isinstance(d, FnDecl) and not d.is_lambda]


# ---------------------------------------------------------------- traversal


def stmt_exprs(s: Stmt) -> list[Expr]:
    """The expressions a statement evaluates itself (not those of nested blocks)."""
    if isinstance(s, (Let, Destructure)):
        return [s.value]
    if isinstance(s, ExprStmt):
        return [s.expr]
    if isinstance(s, Guard):
        return [s.cond, s.value]
    if isinstance(s, If):
        return [s.cond]
    if isinstance(s, ForEach):
        return [s.coll]
    if isinstance(s, ForRange):
        return [s.start, s.end]
    if isinstance(s, While):
        return [s.cond]
    if isinstance(s, Ret):
        return [s.value]
    if isinstance(s, Brk) and s.value is not None:
        return [s.value]
    return []


def child_exprs(e: Expr) -> list[Expr]:
    """Direct sub-expressions of `e` (a match's subject only; arms hold statements)."""
    if isinstance(e, Call):
        return list(e.args)
    if isinstance(e, BinOp):
        return [e.left, e.right]
    if isinstance(e, (Neg, Not)):
        return [e.operand]
    if isinstance(e, (MakeOk, MakeErr)):
        return [e.value]
    if isinstance(e, ListLit):
        return list(e.items)
    if isinstance(e, (Field, Index)):
        return [e.obj]
    if isinstance(e, RecordNew):
        return [v for _, v in e.fields]
    if isinstance(e, With):
        return [e.obj, *(v for _, v in e.updates)]
    if isinstance(e, Coalesce):
        return [e.left, e.right]
    if isinstance(e, Ternary):
        return [e.cond, e.then, e.else_]
    if isinstance(e, Match):
        return [e.subject] if e.subject is not None else []
    return []
