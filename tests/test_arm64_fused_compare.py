"""Fused compare-and-branch and frameless leaf functions in the AArch64 backend: NaN and
bool-register edge cases run in the emulator (every comparison op, both block orders)."""

from __future__ import annotations

import math

import pytest
from test_arm64_codegen import INF, NAN, Native, b, f, module_of

from ilo_aot.ir import ir
from ilo_aot.ir.ir import BOOL, F64, I64, Reg

OPS = {
    "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y,
    "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y,
    "eq": lambda x, y: x == y,
    "ne": lambda x, y: x != y,
}


def _blocks(entry: ir.Block, t: ir.Block, e: ir.Block, order: int) -> list[ir.Block]:
    return [entry, t, e] if order == 0 else [entry, e, t]


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("op", sorted(OPS))
def test_float_compare_feeding_a_branch(op: str, order: int) -> None:
    t = ir.Block("t", [ir.Const(f(3), 10.0)], ir.Return(f(3)))
    e = ir.Block("e", [ir.Const(f(4), 20.0)], ir.Return(f(4)))
    entry = ir.Block("entry", [ir.FCompare(b(2), op, f(0), f(1))], ir.Branch(b(2), "t", "e"))
    nat = Native(module_of(ir.Function("g", [f(0), f(1)], F64, _blocks(entry, t, e, order))))
    for x, y in [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (NAN, 1.0), (1.0, NAN), (NAN, NAN),
                 (0.0, -0.0), (-INF, INF)]:
        assert nat("g", x, y) == (10.0 if OPS[op](x, y) else 20.0), (x, y)
        assert nat.depth == 0 and nat.status == 0


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("op", sorted(OPS))
def test_frameless_bool_leaf_with_a_bool_parameter(op: str, order: int) -> None:
    i0, i1 = Reg(5, I64), Reg(6, I64)
    t = ir.Block("t", [], ir.Return(b(1)))
    e = ir.Block("e", [ir.BNot(b(7), b(1))], ir.Return(b(7)))
    entry = ir.Block(
        "entry",
        [ir.FToI(i0, f(0)), ir.Const(i1, 3), ir.ICompare(b(2), op, i0, i1)],
        ir.Branch(b(2), "t", "e"),
    )
    nat = Native(module_of(ir.Function("h", [f(0), b(1)], BOOL, _blocks(entry, t, e, order))))
    for x in (1.0, 3.0, 5.0, NAN):
        # bool arguments with junk in the upper bits: only bit 0 counts
        for flag in (0, 1, 0xFFFFFFFE, 0x100000001):
            xi = 0 if math.isnan(x) else int(x)
            want = bool(flag & 1) if OPS[op](xi, 3) else not bool(flag & 1)
            assert nat("h", x, flag) is want, (x, flag)
            assert nat.depth == 0
