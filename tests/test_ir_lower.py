"""Lowering to the IR and eligibility: soundness (what must stay in the fallback tier and why),
levels, the IR validator and text form."""

from __future__ import annotations

import pytest
from test_ir_support import expr, fn, load_source, name, num, op, program

from ilo_aot.frontend import ast as A
from ilo_aot.ir import ir
from ilo_aot.ir.eligibility import analyse


def reasons(src: str, **kw) -> dict[str, str]:
    return analyse(load_source(src, "r.ilo"), **kw).reasons


@pytest.mark.parametrize(
    "src,reason",
    [
        # A braceless guard returning text from an `n` function.
        ('f x:n>n;>x 0 "big";x', "line 1: a text value is not supported natively"),
        # A loop as last statement gives nil when it runs zero times.
        ("f n:n>n;@i 0..n{i}", "line 1: the result may be nil, not a number"),
        # `&` returns an operand: here a number from a `b` function.
        ("f a:n b:n>b;&a b", "line 1: the result may be number, not a bool"),
        # A name created inside `wh` is unbound after it when the loop never ran.
        ("f x:n>n;i=0;wh <i x{i=+i 1;y=i};y", "line 1: `y` may be unbound here"),
        ("f x:n>n;prnt x", "line 1: builtin `prnt` is not supported natively"),
        ("f x:t>n;len x", "line 1: parameter `x` has type t"),
        ("f x:n>L n;[x]", "line 1: result type L n is not supported natively"),
        ("f x:n>n;?x{1:3;_:y=2}", "line 1: the result may be nil, not a number"),
    ],
)
def test_ineligible_with_reason(src: str, reason: str) -> None:
    assert reasons(src)["f"].startswith(reason)


def test_rebinding_to_another_type_in_a_block() -> None:
    # The verifier keeps the outer type; at run time x may hold a bool afterwards.
    r = reasons("f c:b>n;x=1;c{x=true};x")
    assert r["f"] == "line 1: `x` holds a number and is rebound to a bool"


def test_callers_of_non_native_functions_are_not_native() -> None:
    src = "g x:n>n;prnt x\nh x:n>n;+1 g x\nk x:n>n;*2 h x\nok x:n>n;+x 1\n"
    a = analyse(load_source(src, "c.ilo"))
    assert a.native == ["ok"]
    assert a.reasons["h"].startswith("calls `g`, which is not native (line 1: builtin `prnt`")
    assert a.reasons["k"].startswith("calls `h`, which is not native")


def test_lines_point_at_the_construct() -> None:
    src = "f x:n>n\n  y=+x 1\n  z=prnt y\n  z\n"
    assert reasons(src)["f"].startswith("line 3: builtin `prnt`")


def test_level1_is_numbers_and_arithmetic_only() -> None:
    src = "a x:n y:n>n;s=+x y;/s 2\nb x:n>n;>x 0 1;2\nc x:n>b;>x 0\n"
    r = reasons(src, level=1)
    assert "a" not in r
    assert r["b"].startswith("line 2: level 1: statement Guard")
    assert r["c"].startswith("line 3: level 1:")
    assert reasons(src, level=2) == {}


def test_lowered_ir_is_valid_and_readable() -> None:
    a = analyse(load_source("dv a:n b:n>n;/a b\nsq x:n>n;*x x\n", "d.ilo"))
    ir.check_module(a.module)
    dv = a.module.function("dv")
    assert dv.signature == "dv a:n b:n>n" and dv.param_names == ["a", "b"]
    fails = [b.terminator for b in dv.blocks if isinstance(b.terminator, ir.Fail)]
    assert len(fails) == 1
    site = a.module.sites[fails[0].site]
    assert (site.code, site.message, site.function) == ("ILO-R003", "division by zero", "dv")
    text = ir.format_function(a.module.function("sq"))
    assert text.splitlines()[0] == "fn sq(%0:f64) -> f64  ; sq x:n>n"
    assert "fmul %0, %0" in text


def test_validator_rejects_ill_typed_ir() -> None:
    x, c = ir.Reg(0, ir.F64), ir.Reg(1, ir.BOOL)
    bad = ir.Function("f", [x], ir.F64, [ir.Block("e", [ir.FBinary(c, "add", x, x)], ir.Return(x))])
    with pytest.raises(ir.IrError, match="expected f64"):
        ir.check_function(bad)
    no_term = ir.Function("g", [x], ir.F64, [ir.Block("e", [])])
    with pytest.raises(ir.IrError, match="no terminator"):
        ir.check_function(no_term)
    bad_target = ir.Function("h", [x], ir.F64, [ir.Block("e", [], ir.Jump("nowhere"))])
    with pytest.raises(ir.IrError, match="unknown block"):
        ir.check_function(bad_target)


def test_hand_built_ast_without_verifier_annotations() -> None:
    # Lowering resolves names itself when `resolved` is not set.
    f = fn("f x:n>n", A.Let("y", op("*", name("x"), num(2))), expr(name("y")))
    a = analyse(program(f))
    assert a.native == ["f"]
