"""The LLVM backend on hand-built IR (no front end): every instruction kind, the ABI."""

from __future__ import annotations

import math

import pytest

from ilo_aot.backends.llvm import codegen
from ilo_aot.backends.llvm.jit import JitModule
from ilo_aot.ir import ir
from ilo_aot.ir.ir import BOOL, F64, I64, Reg
from ilo_runtime.errors import IloRuntimeError


def _module(*fns: ir.Function, sites: list[ir.FailSite] | None = None) -> ir.Module:
    for i, f in enumerate(fns):
        f.fn_id = i
    m = ir.Module(list(fns), sites or [ir.FailSite("ILO-R010", "too deep", fns[0].name)])
    ir.check_module(m)
    return m


def _callables(m: ir.Module):
    return JitModule.build(m).callables


def test_saturating_float_to_int_and_back() -> None:
    x, i, y = Reg(0, F64), Reg(1, I64), Reg(2, F64)
    f = ir.Function("f", [x], F64, [ir.Block("e", [ir.FToI(i, x), ir.IToF(y, i)], ir.Return(y))])
    g = _callables(_module(f))["f"]
    assert g(2.9) == 2 and g(-2.9) == -2 and g(math.nan) == 0
    assert g(math.inf) == 2.0**63 and g(-math.inf) == -(2.0**63)


def test_select_compare_and_not() -> None:
    a, b, c = Reg(0, BOOL), Reg(1, BOOL), Reg(2, BOOL)
    xor = ir.Function("xor", [a, b], BOOL, [ir.Block("e", [ir.ICompare(c, "ne", a, b)], ir.Return(c))])
    p, q, nq, r = Reg(0, BOOL), Reg(1, BOOL), Reg(2, BOOL), Reg(3, BOOL)
    # xnor(p, q) = p ? q : not q
    xnor = ir.Function(
        "xnor", [p, q], BOOL,
        [ir.Block("e", [ir.BNot(nq, q), ir.Select(r, p, q, nq)], ir.Return(r))],
    )  # fmt: skip
    c = _callables(_module(xor, xnor))
    pairs = [(x, y) for x in (False, True) for y in (False, True)]
    assert [c["xor"](x, y) for x, y in pairs] == [False, True, True, False]
    assert [c["xnor"](x, y) for x, y in pairs] == [True, False, False, True]


def test_loop_with_integer_counter() -> None:
    n, k, lim, one, c, s, kf = (Reg(0, F64), Reg(1, I64), Reg(2, I64), Reg(3, I64),
                                 Reg(4, BOOL), Reg(5, F64), Reg(6, F64))  # fmt: skip
    blocks = [
        ir.Block("e", [ir.Const(k, 0), ir.FToI(lim, n), ir.Const(one, 1), ir.Const(s, 0.0)],
                 ir.Jump("head")),
        ir.Block("head", [ir.ICompare(c, "lt", k, lim)], ir.Branch(c, "body", "done")),
        ir.Block("body", [ir.IToF(kf, k), ir.FBinary(s, "add", s, kf),
                          ir.IBinary(k, "add", k, one)], ir.Jump("head")),
        ir.Block("done", [], ir.Return(s)),
    ]  # fmt: skip
    g = _callables(_module(ir.Function("tri", [n], F64, blocks)))["tri"]
    assert g(100) == 4950 and g(-5) == 0


def test_fail_site_becomes_runtime_error() -> None:
    x = Reg(0, F64)
    site = ir.FailSite("ILO-R003", "division by zero", "boom", (3, 7), "b.ilo", "xxxxxxxx\n")
    f = ir.Function("boom", [x], F64, [ir.Block("e", [], ir.Fail(1))])
    g = _callables(_module(f, sites=[ir.FailSite("ILO-R010", "deep", "boom"), site]))["boom"]
    with pytest.raises(IloRuntimeError) as ei:
        g(1)
    assert (ei.value.code, ei.value.message) == ("ILO-R003", "division by zero")
    assert ei.value.diagnostic.notes == ["called from 'boom'"]
    assert str(ei.value) == "b.ilo:1:4: ILO-R003: division by zero"


def test_call_without_result_and_status_propagation() -> None:
    x = Reg(0, F64)
    inner = ir.Function("inner", [x], F64, [ir.Block("e", [], ir.Fail(1))])
    y = Reg(0, F64)
    outer = ir.Function(
        "outer", [y], F64,
        [ir.Block("e", [ir.CallFunction(None, "inner", (y,), 0)], ir.Return(y))],
    )  # fmt: skip
    sites = [ir.FailSite("ILO-R010", "deep", "outer"), ir.FailSite("ILO-R003", "m", "inner")]
    g = _callables(_module(outer, inner, sites=sites))["outer"]
    with pytest.raises(IloRuntimeError) as ei:
        g(2)
    assert ei.value.diagnostic.notes == ["called from 'outer'", "called from 'inner'"]


def test_double_literals_are_exact() -> None:
    for v in (0.1, -0.0, 5e-324, 1.7976931348623157e308, math.inf, -math.inf):
        lit = codegen.double_literal(v)
        assert lit.startswith("0x") and len(lit) == 18
    x, k = Reg(0, F64), Reg(1, F64)
    f = ir.Function("k", [x], F64, [ir.Block("e", [ir.Const(k, 0.1)], ir.Return(k))])
    assert _callables(_module(f))["k"](0) == 0.1
