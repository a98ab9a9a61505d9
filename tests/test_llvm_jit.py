"""LLVM backend, in-process: hand-built programs compiled and called from Python."""

from __future__ import annotations

import inspect
import math

import pytest
from test_ir_support import call, expr, false, fn, let, name, num, op, program, true

from ilo_aot.backends.llvm import NativeArgumentError, compile_module
from ilo_aot.frontend import ast as A
from ilo_aot.ir import errors
from ilo_runtime.errors import IloRuntimeError

SRC = A.SourceFile("k.ilo", "dv a:n b:n>n;/a b\nmd a:n b:n>n;mod a b\n")


def compiled(*fns: A.FnDecl, **kw):
    nm = compile_module(program(*fns), **kw)
    return nm


def test_arithmetic_and_binds() -> None:
    f = fn(
        "f a:n b:n c:n>n",
        let("s", op("+", name("a"), name("b"))),
        let("s", op("*", name("s"), name("c"))),
        expr(op("-", name("s"), A.Neg(name("a")))),
    )
    nm = compiled(f)
    assert nm.ineligible == {}
    assert nm.callables["f"](1, 2, 3) == (1 + 2) * 3 + 1
    assert nm.callables["f"](0.1, 0.2, 1.0) == (0.1 + 0.2) * 1.0 + 0.1


def test_epsilon_equality_and_compares() -> None:
    eq = fn("eq a:n b:n>b", expr(op("=", name("a"), name("b"))))
    ne = fn("ne a:n b:n>b", expr(op("!=", name("a"), name("b"))))
    lt = fn("lt a:n b:n>b", expr(op("<", name("a"), name("b"))))
    nm = compiled(eq, ne, lt)
    e, n, lt_ = nm.callables["eq"], nm.callables["ne"], nm.callables["lt"]
    assert e(0.3, 0.1 + 0.2) is True  # |a-b| < 2.22e-16
    assert e(1.0, 1.0 + 2**-52) is False  # difference == epsilon: not equal
    assert e(math.inf, math.inf) is False  # inf - inf is NaN
    assert e(math.nan, math.nan) is False
    assert e(0.0, -0.0) is True
    assert n(math.nan, 1) is True
    assert lt_(1, 2) is True and lt_(math.nan, 1) is False


def test_bool_params_and_logic() -> None:
    both = fn("both a:b b:b>b", expr(op("&", name("a"), name("b"))))
    either = fn("either a:b b:b>b", expr(op("|", name("a"), name("b"))))
    neg = fn("neg a:b>b", expr(A.Not(name("a"))))
    nm = compiled(both, either, neg)
    assert nm.callables["both"](True, False) is False
    assert nm.callables["either"](False, True) is True
    assert nm.callables["neg"](False) is True


def test_numeric_and_returns_operand() -> None:
    # `&0 5` -> 0, `|0 5` -> 5: the operand, a number (language.md §4.12).
    f = fn("f a:n b:n>n", expr(op("&", name("a"), name("b"))))
    g = fn("g a:n b:n>n", expr(op("|", name("a"), name("b"))))
    nm = compiled(f, g)
    assert nm.callables["f"](0, 5) == 0 and nm.callables["f"](3, 5) == 5
    assert nm.callables["g"](0, 5) == 5 and nm.callables["g"](math.nan, 5) != 5


def test_guard_ternary_and_truthiness() -> None:
    sign = fn(
        "sign x:n>n",
        A.Guard(op(">", name("x"), num(0)), num(1)),
        A.Guard(op("<", name("x"), num(0)), A.Neg(num(1))),
        expr(num(0)),
    )
    tern = fn("tern x:n>n", expr(A.Ternary(name("x"), num(10), num(20))))
    nm = compiled(sign, tern)
    assert [nm.callables["sign"](v) for v in (5, -2, 0)] == [1, -1, 0]
    # NaN is truthy, -0 is falsy.
    assert nm.callables["tern"](math.nan) == 10
    assert nm.callables["tern"](-0.0) == 20


def test_braced_conditional_keeps_previous_value() -> None:
    # `f x:n>n;5;>x 0{7}` gives 7 when x > 0 else 5 (language.md §5.6).
    f = fn("f x:n>n", expr(num(5)), A.If(op(">", name("x"), num(0)), [expr(num(7))]))
    nm = compiled(f)
    assert nm.callables["f"](1) == 7 and nm.callables["f"](-1) == 5


def test_range_loop_truncates_bounds() -> None:
    # s=0;@i a..b{s=+s i};s
    f = fn(
        "f a:n b:n>n",
        let("s", num(0)),
        A.ForRange("i", name("a"), name("b"), [let("s", op("+", name("s"), name("i")))]),
        expr(name("s")),
    )
    nm = compiled(f)
    s = nm.callables["f"]
    assert s(0, 4) == 6
    assert s(0.5, 3) == 0 + 1 + 2  # 0, 1, 2
    assert s(-1.5, 1.9) == -1 + 0  # -1, 0
    assert s(math.nan, 3) == 3  # NaN -> 0
    assert s(5, 1) == 0


def test_loop_variable_is_per_iteration() -> None:
    # i=7;@i 0..3{i=+i 9};i -> 7
    f = fn(
        "f>n",
        let("i", num(7)),
        A.ForRange("i", num(0), num(3), [let("i", op("+", name("i"), num(9)))]),
        expr(name("i")),
    )
    assert compiled(f).callables["f"]() == 7


def test_while_break_continue() -> None:
    # i=0;s=0;wh <i 100{i=+i 1;=mod i 2 0{cnt};>i 9{brk};s=+s i};s  -> 1+3+5+7+9? (brk at 11)
    body = [
        let("i", op("+", name("i"), num(1))),
        A.If(op("=", call("mod", name("i"), num(2)), num(0)), [A.Cnt()]),
        A.If(op(">", name("i"), num(9)), [A.Brk()]),
        let("s", op("+", name("s"), name("i"))),
    ]
    f = fn(
        "f>n",
        let("i", num(0)),
        let("s", num(0)),
        A.While(op("<", name("i"), num(100)), body),
        expr(name("s")),
    )
    assert compiled(f).callables["f"]() == 1 + 3 + 5 + 7 + 9


def test_ret_inside_loop() -> None:
    f = fn(
        "first-over x:n>n",
        A.ForRange("i", num(0), num(100), [A.If(op(">", name("i"), name("x")), [A.Ret(name("i"))])]),
        expr(A.Neg(num(1))),
    )
    nm = compiled(f)
    g = nm.callables["first-over"]
    assert g.__name__ == "first_over"
    assert g(10) == 11 and g(1000) == -1


def test_match_on_literals() -> None:
    m = A.Match(
        name("x"),
        [
            A.Arm(A.PLit(1.0), [expr(num(10))]),
            A.Arm(A.PLit(2.0), [expr(num(20))]),
            A.Arm(A.PWild(), [expr(op("*", name("_"), num(100)))]),
        ],
    )
    f = fn("f x:n>n", expr(m))
    nm = compiled(f)
    assert [nm.callables["f"](v) for v in (1, 2, 3)] == [10, 20, 300]
    assert nm.callables["f"](0.1 + 0.2 + 0.7) == 10  # epsilon equality in patterns


def test_fib_recursion() -> None:
    fib = fn(
        "fib n:n>n",
        A.Guard(op("<", name("n"), num(2)), name("n")),
        expr(
            op(
                "+",
                call("fib", op("-", name("n"), num(1))),
                call("fib", op("-", name("n"), num(2))),
            )
        ),
    )
    nm = compiled(fib)
    assert nm.callables["fib"](25) == 75025


def test_mutual_calls_and_bool_results() -> None:
    is_even = fn(
        "ev n:n>b",
        A.Guard(op("=", name("n"), num(0)), true()),
        expr(call("od", op("-", name("n"), num(1)))),
    )
    is_odd = fn(
        "od n:n>b",
        A.Guard(op("=", name("n"), num(0)), false()),
        expr(call("ev", op("-", name("n"), num(1)))),
    )
    nm = compiled(is_even, is_odd)
    assert nm.callables["ev"](10) is True and nm.callables["od"](7) is True


def test_division_and_modulo_by_zero() -> None:
    dv = fn("dv a:n b:n>n", expr(op("/", name("a"), name("b"))), source=SRC)
    dv.body[0].span = A.Span(13, 17)
    md = fn("md a:n b:n>n", expr(call("mod", name("a"), name("b"))), source=SRC)
    md.body[0].span = A.Span(31, 38)
    nm = compiled(dv, md)
    assert nm.callables["dv"](1, 4) == 0.25
    assert nm.callables["md"](-7, 3) == -1.0
    for f, arg, msg in (
        (nm.callables["dv"], -0.0, "division by zero"),
        (nm.callables["md"], 0, "modulo by zero"),
    ):
        with pytest.raises(IloRuntimeError) as ei:
            f(1, arg)
        assert ei.value.code == "ILO-R003"
        assert ei.value.message == msg
    with pytest.raises(IloRuntimeError) as ei:
        nm.callables["dv"](1, 0)
    d = ei.value.diagnostic
    assert d is not None and (d.start, d.end) == (13, 17) and d.path == "k.ilo"
    assert d.notes == ["called from 'dv'"]
    assert str(ei.value) == "k.ilo:1:14: ILO-R003: division by zero"
    # Division by NaN or by inf is no error.
    assert math.isnan(nm.callables["dv"](1, math.nan))


def _deep() -> A.FnDecl:
    return fn(
        "deep n:n>n",
        A.Guard(op("<=", name("n"), num(0)), num(0)),
        expr(op("+", num(1), call("deep", op("-", name("n"), num(1))))),
    )


def test_deep_recursion_raises_not_crashes() -> None:
    nm = compiled(_deep())
    deep = nm.callables["deep"]
    limit = errors.RECURSION_LIMIT
    assert deep(limit - 1) == limit - 1  # `limit` nested calls work
    with pytest.raises(IloRuntimeError) as ei:
        deep(100_000)
    assert ei.value.code == "ILO-R010"
    assert ei.value.message == f"recursion depth exceeded (limit {limit})"
    assert ei.value.diagnostic is not None
    assert len(ei.value.diagnostic.notes) == limit
    assert deep(3) == 3  # the context is reset for the next call


def test_recursion_limit_is_configurable() -> None:
    deep = compiled(_deep(), recursion_limit=50).callables["deep"]
    assert deep(49) == 49
    with pytest.raises(IloRuntimeError, match=r"limit 50\)"):
        deep(50)


def test_python_argument_conversion() -> None:
    class Idx:
        def __index__(self) -> int:
            return 3

    class Flt:
        def __float__(self) -> float:
            return 2.5

    f = fn("f a:n b:n>n", expr(op("+", name("a"), name("b"))))
    g = fn("g a:b>b", expr(name("a")))
    nm = compiled(f, g)
    add = nm.callables["f"]
    assert add(1, 2) == 3.0 and type(add(1, 2)) is float
    assert add(Idx(), Flt()) == 5.5
    assert add(10**20, 0) == 1e20
    with pytest.raises(TypeError, match="takes exactly 2 arguments"):
        add(1)
    with pytest.raises(TypeError):
        add(1, b=2)
    with pytest.raises(NativeArgumentError, match="parameter 'a'"):
        add("x", 1)
    with pytest.raises(NativeArgumentError):
        add(True, 1)
    with pytest.raises(NativeArgumentError):
        nm.callables["g"](1)


def test_fallback_runs_calls_native_code_cannot_take() -> None:
    seen = []

    def interp(*args):
        seen.append(args)
        return "interpreted"

    f = fn("f a:n b:n>n", expr(op("+", name("a"), name("b"))))
    add = compiled(f, fallbacks={"f": interp}).callables["f"]
    assert add("x", 1) == "interpreted"
    assert seen == [("x", 1)]
    assert add(1, 2) == 3.0


def test_builtin_function_metadata() -> None:
    f = fn("tot a:n b:n c:n>n", expr(op("+", op("+", name("a"), name("b")), name("c"))))
    tot = compiled(f).callables["tot"]
    assert tot.__name__ == "tot"
    assert tot.__doc__ == "tot a:n b:n c:n>n"
    assert str(inspect.signature(tot)) == "(a, b, c)"
    assert repr(tot) == "<built-in function tot>"


def test_ineligible_reasons_and_closure() -> None:
    src = A.SourceFile("m.ilo", 'hi>t;"x"\nuse>n;len hi()\n')
    hi = fn("hi>t", expr(A.Text("x")), source=src)
    p = fn("p x:n>n", expr(call("prnt", name("x"))), source=src)
    p.body[0].expr.span = A.Span(9, 13)
    q = fn("q x:n>n", expr(call("p", name("x"))))
    ok = fn("ok x:n>n", expr(name("x")))
    nm = compiled(hi, p, q, ok)
    assert set(nm.callables) == {"ok"}
    assert "result type t" in nm.ineligible["hi"]
    assert nm.ineligible["p"] == "line 2: builtin `prnt` is not supported natively"
    assert nm.ineligible["q"].startswith("calls `p`, which is not native")


def test_only_requested_functions_are_compiled() -> None:
    a = fn("a x:n>n", expr(call("b", name("x"))))
    b = fn("b x:n>n", expr(op("*", name("x"), num(2))))
    c = fn("c x:n>n", expr(name("x")))
    nm = compile_module(program(a, b, c), ["a"])
    assert set(nm.callables) == {"a", "b"}
    assert nm.callables["a"](4) == 8
    assert nm.compile_times.keys() == {"a", "b"}


def test_zero_parameter_function() -> None:
    pi2 = compiled(fn("pi2>n", expr(num(6.28)))).callables["pi2"]
    assert pi2() == 6.28 and pi2.__text_signature__ == "()"
    with pytest.raises(TypeError, match="takes exactly 0 arguments"):
        pi2(1)
