"""What native code can hold: the native signature of a function, the program facts lowering
needs, and `Unsupported`, the reason a construct stays in the fallback tier."""

from __future__ import annotations

from dataclasses import dataclass, field

from ilo_aot.frontend import ast
from ilo_aot.frontend.types import TBool, TNamed, TNum, Type, render_type

from . import errors
from .ir import BOOL, F64, I64, IrType

# ilo builtin -> IR intrinsic, for the one-to-one numeric builtins.
UNARY_MATH = {
    "abs": "fabs",
    "flr": "floor",
    "cel": "ceil",
    "rou": "round",
    "sqrt": "sqrt",
    "exp": "exp",
    "log": "log",
    "log10": "log10",
    "log2": "log2",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
}
BINARY_MATH = {"pow": "pow", "atan2": "atan2", "min": "min", "max": "max"}
NATIVE_BUILTINS = frozenset(UNARY_MATH) | frozenset(BINARY_MATH) | {"mod", "clamp"}

# Marker for the nil value in block-value states.
NIL = "nil"


class Unsupported(Exception):
    """A construct native code cannot handle: `reason` plus the span where it occurs."""

    def __init__(self, reason: str, span: ast.Span | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span


@dataclass(frozen=True)
class NativeSignature:
    params: tuple[IrType, ...]
    ret: IrType


@dataclass
class ProgramInfo:
    """What lowering needs to know about the whole program."""

    functions: dict[str, ast.FnDecl]
    aliases: dict[str, Type] = field(default_factory=dict)
    recursion_limit: int = errors.RECURSION_LIMIT

    @staticmethod
    def of(program: ast.Program, recursion_limit: int = errors.RECURSION_LIMIT) -> ProgramInfo:
        fns = {d.name: d for d in program.decls if isinstance(d, ast.FnDecl)}
        aliases = {d.name: d.type for d in program.decls if isinstance(d, ast.AliasDecl)}
        return ProgramInfo(fns, aliases, recursion_limit)

    def expand(self, t: Type) -> Type:
        seen: set[str] = set()
        while isinstance(t, TNamed) and t.name in self.aliases and t.name not in seen:
            seen.add(t.name)
            t = self.aliases[t.name]
        return t

    def native_type(self, t: Type) -> IrType | None:
        t = self.expand(t)
        if isinstance(t, TNum):
            return F64
        if isinstance(t, TBool):
            return BOOL
        return None

    def signature(self, decl: ast.FnDecl) -> NativeSignature:
        """The native signature of `decl`, or Unsupported naming the offending type."""
        params = []
        for p in decl.params:
            t = self.native_type(p.type)
            if t is None:
                raise Unsupported(
                    f"parameter `{p.name}` has type {render_type(p.type)}, "
                    "not supported natively (only n and b)",
                    p.span,
                )
            params.append(t)
        ret = self.native_type(decl.ret)
        if ret is None:
            raise Unsupported(
                f"result type {render_type(decl.ret)} is not supported natively (only n and b)",
                decl.span,
            )
        return NativeSignature(tuple(params), ret)


def type_word(t: IrType | str) -> str:
    return {F64: "number", BOOL: "bool", I64: "integer", NIL: "nil"}[t]
