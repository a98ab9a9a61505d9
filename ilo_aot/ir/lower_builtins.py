"""Lowering of calls to the numeric builtins (design.md §3 level 2), mixed into the lowerer.

Kept apart from `lower.py` only for size; the methods use the lowerer's `reg`, `emit`, `args`
and `check_nonzero`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ilo_aot.frontend import ast

from . import errors, ir
from .ir import BOOL, F64
from .signatures import BINARY_MATH, NATIVE_BUILTINS, UNARY_MATH, Unsupported, type_word

if TYPE_CHECKING:
    from collections.abc import Sequence


class BuiltinLowering:
    """Builtin calls: math intrinsics, `mod` (with the power-of-two fast path) and `clamp`."""

    # Provided by the lowerer this is mixed into.
    def reg(self, ty: ir.IrType) -> ir.Reg: ...  # pragma: no cover
    def emit(self, instr: object) -> None: ...  # pragma: no cover
    def args(self, exprs: Sequence[ast.Expr]) -> list[ir.Reg]: ...  # pragma: no cover
    def check_nonzero(self, value: ir.Reg, kind: errors.ErrorKind) -> None: ...  # pragma: no cover

    def mod_power_of_two(self, r: ir.Reg, a: ir.Reg, d: float) -> None:
        """`mod a d` for a constant d = 2^k >= 1, without calling fmod (a hot loop's cost).

        fmod(a, 2^k) == a - trunc(a / 2^k) * 2^k exactly: the scaling by 2^-k is exact, the
        product is at most |a|, and the difference is a multiple of ulp(a) below 2^k, so it is
        representable. Its sign is a's except when it is zero, where fmod keeps a's sign (-0
        for negative a), hence `a * 0.0`. Infinities and NaN give NaN, as fmod does.
        """
        inv, dd, zero = self.reg(F64), self.reg(F64), self.reg(F64)
        self.emit(ir.Const(inv, 1.0 / d))
        self.emit(ir.Const(dd, d))
        self.emit(ir.Const(zero, 0.0))
        q, t, p, rem, signed_zero = (self.reg(F64) for _ in range(5))
        is_zero = self.reg(BOOL)
        self.emit(ir.FBinary(q, "mul", a, inv))
        self.emit(ir.CallIntrinsic(t, "trunc", (q,)))
        self.emit(ir.FBinary(p, "mul", t, dd))
        self.emit(ir.FBinary(rem, "sub", a, p))
        self.emit(ir.FBinary(signed_zero, "mul", a, zero))
        self.emit(ir.FCompare(is_zero, "eq", rem, zero))
        self.emit(ir.Select(r, is_zero, signed_zero, rem))

    def builtin(self, e: ast.Call) -> ir.Reg:
        name = e.callee
        if name not in NATIVE_BUILTINS:
            raise Unsupported(f"builtin `{name}` is not supported natively", e.span)
        arity = {"mod": 2, "clamp": 3, **{k: 1 for k in UNARY_MATH}, **{k: 2 for k in BINARY_MATH}}
        if len(e.args) != arity[name]:
            raise Unsupported(f"`{name}` with {len(e.args)} argument(s) is not supported natively", e.span)
        args = self.args(e.args)
        for i, a in enumerate(args):
            if a.ty != F64:
                raise Unsupported(
                    f"argument {i + 1} of `{name}` is a {type_word(a.ty)}, not a number",
                    e.args[i].span,
                )
        r = self.reg(F64)
        if name in UNARY_MATH:
            self.emit(ir.CallIntrinsic(r, UNARY_MATH[name], (args[0],)))
        elif name in BINARY_MATH:
            self.emit(ir.CallIntrinsic(r, BINARY_MATH[name], (args[0], args[1])))
        elif name == "mod":
            divisor = e.args[1]
            if isinstance(divisor, ast.Num) and _power_of_two_at_least_one(divisor.value):
                self.mod_power_of_two(r, args[0], divisor.value)
            else:
                self.check_nonzero(args[1], errors.MODULO_BY_ZERO)
                self.emit(ir.CallIntrinsic(r, "fmod", (args[0], args[1])))
        else:  # clamp x lo hi = max(min(x, hi), lo)
            lo_hi = self.reg(F64)
            self.emit(ir.CallIntrinsic(lo_hi, "min", (args[0], args[2])))
            self.emit(ir.CallIntrinsic(r, "max", (lo_hi, args[1])))
        return r


def _power_of_two_at_least_one(x: float) -> bool:
    if not (1.0 <= x < math.inf):
        return False
    mantissa, _ = math.frexp(x)
    return mantissa == 0.5
