"""Per-function analysis for the fallback tier: Python names for ilo locals, and proven kinds.

Scoping (language.md §5.2) is resolved here once: every binding and every read of a local gets
the Python variable it lives in. Loop variables and pattern bindings are fresh per block (they
shadow, they never update an outer name), so they get fresh Python names; other bindings update
the nearest enclosing binding of that name or create one.

A *kind* is what the analysis proves about a value at run time: "num" (a float), "text",
"bool", "list", or "any". The language does not bound run-time values by declared types
(design.md §4), so kinds come only from what the code itself guarantees: literals, operators whose
result type is fixed, guarded parameters, and functions whose every return is proven. Where both
operands of an operator are proven, the code generator emits the plain Python operator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..frontend import ast as A

NUM = "num"
TEXT = "text"
BOOL = "bool"
LIST = "list"
ANY = "any"
BOT = "bot"

GUARDABLE = {"n": NUM, "t": TEXT, "b": BOOL}

# Builtins whose result kind is fixed whatever their arguments (they return it or raise).
BUILTIN_KINDS: dict[str, str] = {}
for _n in (
    "abs flr cel rou sqrt log exp sin cos tan log10 log2 asin acos atan atan2 mod pow clamp len "
    "sum avg ord median stdev variance quantile dot det now rndn"
).split():
    BUILTIN_KINDS[_n] = NUM
for _n in "str upr lwr trm cap cat fmt fmt2 padl padr chr jdmp rgxsub".split():
    BUILTIN_KINDS[_n] = TEXT
for _n in "has mhas".split():
    BUILTIN_KINDS[_n] = BOOL
for _n in (
    "spl chars map flt zip enumerate range window chunks cumsum mkeys mvals flat flatmap "
    "partition setunion setinter setdiff fft ifft transpose matmul inv solve rgx rgxall rgxall1"
).split():
    BUILTIN_KINDS[_n] = LIST


def join(a: str, b: str) -> str:
    if a == BOT:
        return b
    if b == BOT or a == b:
        return a
    return ANY


def mangle(name: str) -> str:
    """ilo identifiers have no `_` except `_` itself, so `-` -> `_` is injective."""
    return name.replace("-", "_")


@dataclass
class FnAnalysis:
    """Resolution results for one function."""

    fn: A.FnDecl
    param_names: list[str]  # Python parameter names, in order (captures last for lambdas)
    # id(node) -> Python variable, for Name/Call(local) reads, Let/loop/pattern bindings.
    pynames: dict[int, str] = field(default_factory=dict)
    # id(node) -> list of Python variables (Destructure) or the fresh loop/pattern variable.
    bindings: dict[int, list[str]] = field(default_factory=dict)
    # (python var, expression or fixed kind) for every assignment.
    assigns: list[tuple[str, A.Expr | str]] = field(default_factory=list)
    # Python variable -> kind of the parameter when guarded (fast version).
    guarded: dict[str, str] = field(default_factory=dict)
    locals_: set[str] = field(default_factory=set)


class Resolver:
    """Walks one function body, mirroring run-time scoping."""

    def __init__(self, fn: A.FnDecl, is_user_fn: set[str]) -> None:
        self.fn = fn
        self.user_fns = is_user_fn
        self.scopes: list[dict[str, str]] = [{}]
        self.counter = 0
        params = [p.name for p in fn.params] + list(fn.captures)
        names: list[str] = []
        for i, pname in enumerate(params):
            # Repeated parameter names: the last one wins (language.md §2.1).
            if pname in params[i + 1 :]:
                names.append(f"_dup{i}")
                continue
            py = "v_" + mangle(pname)
            names.append(py)
            self.scopes[0][pname] = py
        self.result = FnAnalysis(fn, names)
        self.result.locals_.update(names)
        for p, py in zip(fn.params, names, strict=False):
            kind = GUARDABLE.get(_type_letter(p.type))
            if kind is not None and not py.startswith("_dup"):
                self.result.guarded[py] = kind

    def fresh(self, name: str) -> str:
        self.counter += 1
        py = f"v_{mangle(name)}__{self.counter}"
        self.result.locals_.add(py)
        return py

    def lookup(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def bind(self, name: str) -> str:
        py = self.lookup(name)
        if py is None:
            py = "v_" + mangle(name)
            self.scopes[-1][name] = py
            self.result.locals_.add(py)
        return py

    # ------------------------------------------------------------ statements

    def block(self, stmts: list[A.Stmt], new_scope: bool = True) -> None:
        if new_scope:
            self.scopes.append({})
        for s in stmts:
            self.stmt(s)
        if new_scope:
            self.scopes.pop()

    def stmt(self, s: A.Stmt) -> None:
        r = self.result
        if isinstance(s, A.Let):
            self.expr(s.value)
            py = self.bind(s.name)
            r.pynames[id(s)] = py
            r.assigns.append((py, s.value))
        elif isinstance(s, A.Destructure):
            self.expr(s.value)
            pys = [self.bind(n) for n in s.names]
            r.bindings[id(s)] = pys
            r.assigns.extend((py, ANY) for py in pys)
        elif isinstance(s, A.ExprStmt):
            self.expr(s.expr)
        elif isinstance(s, A.Guard):
            self.expr(s.cond)
            self.expr(s.value)
        elif isinstance(s, A.If):
            self.expr(s.cond)
            self.block(s.then)
            if s.else_ is not None:
                self.block(s.else_)
        elif isinstance(s, A.ForRange):
            self.expr(s.start)
            self.expr(s.end)
            self.loop_var(s, s.var, NUM, s.body)
        elif isinstance(s, A.ForEach):
            self.expr(s.coll)
            self.loop_var(s, s.var, ANY, s.body)
        elif isinstance(s, A.While):
            self.expr(s.cond)
            self.block(s.body, new_scope=False)
        elif isinstance(s, A.Ret):
            self.expr(s.value)
        elif isinstance(s, A.Brk):
            if s.value is not None:
                self.expr(s.value)

    def loop_var(self, s: A.Stmt, var: str, kind: str, body: list[A.Stmt]) -> None:
        py = self.fresh(var)
        self.result.bindings[id(s)] = [py]
        self.result.assigns.append((py, kind))
        self.scopes.append({var: py})
        self.block(body, new_scope=False)
        self.scopes.pop()

    # ------------------------------------------------------------ expressions

    def expr(self, e: A.Expr | None) -> None:
        if e is None:
            return
        r = self.result
        if isinstance(e, A.Name):
            if e.resolved in (None, "local"):
                py = self.lookup(e.name)
                if py is not None:
                    r.pynames[id(e)] = py
        elif isinstance(e, A.Call):
            if e.resolved in (None, "local"):
                py = self.lookup(e.callee)
                if py is not None:
                    r.pynames[id(e)] = py
            for a in e.args:
                self.expr(a)
        elif isinstance(e, A.LambdaRef):
            pys = [self.lookup(c) or "" for c in e.captures]
            r.bindings[id(e)] = pys
        elif isinstance(e, A.Match):
            self.expr(e.subject)
            for arm in e.arms:
                self.scopes.append({})
                pat = arm.pattern
                name = getattr(pat, "name", None)
                if isinstance(pat, A.PWild):
                    name = "_"
                if name is not None:
                    py = self.fresh(name)
                    self.scopes[-1][name] = py
                    r.bindings[id(pat)] = [py]
                    kind = {"n": NUM, "t": TEXT, "b": BOOL, "l": LIST}.get(
                        getattr(pat, "kind", ""), ANY
                    )
                    r.assigns.append((py, kind))
                self.block(arm.body, new_scope=False)
                self.scopes.pop()
        else:
            for child in A.child_exprs(e):
                self.expr(child)


def _type_letter(t: object) -> str:
    from ..frontend.types import TBool, TNum, TText

    if isinstance(t, TNum):
        return "n"
    if isinstance(t, TText):
        return "t"
    if isinstance(t, TBool):
        return "b"
    return ""


def analyse(fn: A.FnDecl, user_fns: set[str]) -> FnAnalysis:
    """Resolve names in `fn` (see module docstring)."""
    res = Resolver(fn, user_fns)
    res.block(fn.body, new_scope=False)
    return res.result


# ---------------------------------------------------------------- kinds


class Kinds:
    """Proven kinds of expressions in one function, for one parameter assumption."""

    def __init__(
        self,
        an: FnAnalysis,
        params_guarded: bool,
        result_kinds: dict[str, tuple[str, str]],
        guards: dict[str, list[str]],
    ) -> None:
        self.an = an
        # fn name -> (kind when all guarded params get their kind, kind otherwise)
        self.result_kinds = result_kinds
        # fn name -> per parameter, the kind its entry guard checks ("" for none)
        self.guarded_params = guards
        self.env: dict[str, str] = {py: ANY for py in an.param_names}
        if params_guarded:
            self.env.update(an.guarded)
        self.fixpoint()

    def fixpoint(self) -> None:
        for py, _ in self.an.assigns:
            self.env.setdefault(py, BOT)
        for _ in range(20):
            changed = False
            for py, src in self.an.assigns:
                k = src if isinstance(src, str) else self.kind(src)
                new = join(self.env[py], k)
                if new != self.env[py]:
                    self.env[py] = new
                    changed = True
            if not changed:
                return
        for py in self.env:
            self.env[py] = ANY

    def var(self, py: str | None) -> str:
        if py is None:
            return ANY
        k = self.env.get(py, ANY)
        return ANY if k == BOT else k

    def kind(self, e: A.Expr) -> str:
        if isinstance(e, A.Num):
            return NUM
        if isinstance(e, A.Text):
            return TEXT
        if isinstance(e, A.Bool):
            return BOOL
        if isinstance(e, A.ListLit):
            return LIST
        if isinstance(e, A.Name):
            return self.var(self.an.pynames.get(id(e)))
        if isinstance(e, A.BinOp):
            op = e.op
            if op in ("-", "*", "/"):
                return NUM
            if op in ("<", ">", "<=", ">=", "=", "!=", "=="):
                return BOOL
            if op == "+=":
                return LIST
            lk, rk = self.kind(e.left), self.kind(e.right)
            if op == "+":
                return lk if lk == rk and lk in (NUM, TEXT, LIST) else ANY
            return join(lk, rk)  # & and | return an operand
        if isinstance(e, A.Neg):
            return NUM
        if isinstance(e, A.Not):
            return BOOL
        if isinstance(e, A.Ternary):
            return join(self.kind(e.then), self.kind(e.else_))
        if isinstance(e, A.Call):
            if e.unwrap is not None:
                return ANY
            if e.resolved == "builtin" or (e.resolved is None and e.callee in BUILTIN_KINDS):
                if e.callee in ("min", "max"):
                    return NUM
                return BUILTIN_KINDS.get(e.callee, ANY)
            if e.resolved == "fn" and e.callee in self.result_kinds:
                fast, slow = self.result_kinds[e.callee]
                return fast if self.args_match_guards(e) else slow
            return ANY
        return ANY

    def args_match_guards(self, call: A.Call) -> bool:
        guards = self.guarded_params.get(call.callee)
        if guards is None:
            return False
        if len(guards) != len(call.args):
            return False
        return all(g == "" or self.kind(a) == g for g, a in zip(guards, call.args, strict=True))


def returns_kind(fn: A.FnDecl, kinds: Kinds) -> str:
    """Join of the kinds of every value `fn` can return (its body value and early returns)."""
    out = BOT

    def add(k: str) -> None:
        nonlocal out
        out = join(out, k)

    def scan_expr(e: A.Expr | None) -> None:
        if e is None:
            return
        if isinstance(e, A.Call) and e.unwrap == "!":
            add(ANY)  # `f! x` returns an err or nil from the enclosing function
        if isinstance(e, A.Match):
            for arm in e.arms:
                scan_block(arm.body)
        for child in A.child_exprs(e):
            scan_expr(child)

    def scan_block(stmts: list[A.Stmt]) -> None:
        for s in stmts:
            if isinstance(s, A.Ret):
                add(kinds.kind(s.value))
                scan_expr(s.value)
            elif isinstance(s, A.Guard):
                add(kinds.kind(s.value))
                scan_expr(s.cond)
                scan_expr(s.value)
            elif isinstance(s, A.If):
                scan_expr(s.cond)
                scan_block(s.then)
                if s.else_:
                    scan_block(s.else_)
            elif isinstance(s, (A.ForEach, A.ForRange, A.While)):
                for c in A.stmt_exprs(s):
                    scan_expr(c)
                scan_block(s.body)
            else:
                for c in A.stmt_exprs(s):
                    scan_expr(c)

    scan_block(fn.body)
    add(block_value_kind(fn.body, kinds))
    return ANY if out == BOT else out


def always_produces(s: A.Stmt) -> bool:
    """Does `s` always produce a value (language.md §5.6) when it completes normally?"""
    if isinstance(s, A.ExprStmt):
        return not isinstance(s.expr, A.Match)
    if isinstance(s, A.If):
        return s.else_ is not None
    return isinstance(s, (A.ForEach, A.ForRange, A.While))


def may_produce(s: A.Stmt) -> bool:
    return isinstance(s, (A.ExprStmt, A.If, A.ForEach, A.ForRange, A.While))


def last_producer(stmts: list[A.Stmt]) -> int:
    for i in range(len(stmts) - 1, -1, -1):
        if always_produces(stmts[i]):
            return i
    return -1


def block_value_kind(stmts: list[A.Stmt], kinds: Kinds) -> str:
    k = last_producer(stmts)
    out = BOT if k >= 0 else ANY  # nothing produced: nil
    for s in stmts[max(k, 0) :]:
        if not may_produce(s):
            continue
        if isinstance(s, A.ExprStmt):
            if isinstance(s.expr, A.Match):
                out = join(out, ANY)
            else:
                out = join(out, kinds.kind(s.expr))
        elif isinstance(s, A.If):
            out = join(out, block_value_kind(s.then, kinds))
            if s.else_ is not None:
                out = join(out, block_value_kind(s.else_, kinds))
        else:
            out = join(out, ANY)  # loop values may be nil
    return ANY if out == BOT else out


def needs_statements(e: A.Expr) -> bool:
    """True when compiling `e` needs Python statements (match arms, `f!` early returns)."""
    if isinstance(e, A.Match):
        return True
    if isinstance(e, A.Call) and e.unwrap == "!":
        return True
    return any(needs_statements(c) for c in A.child_exprs(e))
