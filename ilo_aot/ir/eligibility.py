"""Per-function eligibility for native code (design.md §3, levels 1 and 2).

`analyse(program)` lowers every user function of a verified program and decides, for each,
whether it is native. A function is native only if it lowers (`ilo_aot.ir.lower`) and every user
function it calls is native too; otherwise it carries a reason a person can act on, naming the
line and the construct ("line 3: builtin `prnt` is not supported natively").

Levels: 1 = numbers only (`n` parameters and result, arithmetic, constants, bindings: the
reference's first JIT); 2 = level 1 plus bools, comparisons, logic, guards, ternaries, matches
on literals, `wh`, `@i a..b`, `brk`/`cnt`/`ret`, calls among native functions (recursion
included) and the numeric builtins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ilo_aot.frontend import ast

from . import ir
from .errors import RECURSION_LIMIT
from .lower import ProgramInfo, Unsupported, lower_function

MAX_LEVEL = 2


@dataclass
class Analysis:
    """Result of `analyse`: the IR module of the native functions, and the reasons for the rest.

    `module.functions` holds exactly the native functions (fn_id = position); `reasons` maps
    each other analysed function to why it is not native.
    """

    module: ir.Module
    reasons: dict[str, str] = field(default_factory=dict)
    callees: dict[str, set[str]] = field(default_factory=dict)

    @property
    def native(self) -> list[str]:
        return [f.name for f in self.module.functions]

    def is_native(self, name: str) -> bool:
        return any(f.name == name for f in self.module.functions)


def line_of(decl: ast.FnDecl, span: ast.Span | None) -> int | None:
    """1-based line of `span` in `decl`'s source file (None without source or span)."""
    if decl.source is None or span is None:
        return None
    data = decl.source.text.encode("utf-8")
    return data.count(b"\n", 0, min(span.start, len(data))) + 1


def _reason(decl: ast.FnDecl, u: Unsupported) -> str:
    line = line_of(decl, u.span if u.span is not None else decl.span)
    return f"line {line}: {u.reason}" if line is not None else u.reason


_LEVEL1_EXPRS = (ast.Num, ast.Name, ast.BinOp, ast.Neg)


def _check_level1(decl: ast.FnDecl, info: ProgramInfo) -> None:
    """Raise Unsupported unless `decl` stays within level 1 (numbers, arithmetic, binds)."""
    for p in decl.params:
        if info.native_type(p.type) != ir.F64:
            raise Unsupported(f"level 1: parameter `{p.name}` is not a number", p.span)
    if info.native_type(decl.ret) != ir.F64:
        raise Unsupported("level 1: the result is not a number", decl.span)

    def expr(e: ast.Expr) -> None:
        if not isinstance(e, _LEVEL1_EXPRS):
            raise Unsupported(f"level 1: {type(e).__name__} is beyond level 1", e.span)
        if isinstance(e, ast.BinOp):
            if e.op not in ("+", "-", "*", "/"):
                raise Unsupported(f"level 1: operator `{e.op}` is beyond level 1", e.span)
            expr(e.left)
            expr(e.right)
        elif isinstance(e, ast.Neg):
            expr(e.operand)

    for s in decl.body:
        if isinstance(s, ast.Let):
            expr(s.value)
        elif isinstance(s, ast.ExprStmt):
            expr(s.expr)
        else:
            raise Unsupported(f"level 1: statement {type(s).__name__} is beyond level 1", s.span)


def analyse(
    program: ast.Program,
    functions: list[str] | None = None,
    level: int = MAX_LEVEL,
    recursion_limit: int = RECURSION_LIMIT,
) -> Analysis:
    """Decide which functions of the verified `program` are native and lower them.

    `functions` limits the analysis to those names and the functions they call (all user
    functions by default); `level` is 1 or 2 (module docstring); `recursion_limit` is the
    depth named in ILO-R010 messages (the caller must run the code with that limit).
    """
    info = ProgramInfo.of(program, recursion_limit)
    decls = {d.name: d for d in program.functions()}
    scratch = ir.Module()
    lowered: dict[str, ir.Function] = {}
    reasons: dict[str, str] = {}
    callees: dict[str, set[str]] = {}

    todo = list(decls) if functions is None else list(functions)
    for name in todo:
        if name not in decls:
            reasons[name] = f"`{name}` is not a user function of this program"
    todo = [n for n in todo if n in decls]
    seen: set[str] = set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        decl = decls[name]
        try:
            if level < 2:
                _check_level1(decl, info)
            fn, calls = lower_function(decl, info, scratch)
        except Unsupported as u:
            reasons[name] = _reason(decl, u)
            continue
        lowered[name] = fn
        callees[name] = calls
        todo += [c for c in calls if c not in seen and c in decls]

    # A function is native only if everything it calls is (to a fixed point).
    changed = True
    while changed:
        changed = False
        for name in list(lowered):
            for c in sorted(callees[name]):
                if c not in lowered:
                    why = reasons.get(c, "not compiled")
                    reasons[name] = f"calls `{c}`, which is not native ({why})"
                    del lowered[name]
                    changed = True
                    break

    module = ir.Module(sites=scratch.sites)
    for name in decls:
        fn = lowered.get(name)
        if fn is not None:
            fn.fn_id = len(module.functions)
            module.functions.append(fn)
    ir.check_module(module)
    return Analysis(module, reasons, callees)
