"""Source programs through the front end and the LLVM backend, checked against expectations
and against the fallback tier (the semantic reference) on many inputs, bit for bit."""

from __future__ import annotations

import math
import struct

import pytest
from test_ir_support import load_source

from ilo_aot.backends.llvm import compile_module
from ilo_aot.pygen.module import generate
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.fallback import call_entry, load_generated

PROGRAM = """\
fib n:n>n;<n 2 n;+fib -n 1 fib -n 2
tot a:n b:n c:n>n;s=+a b;+s c
sgn x:n>n;>x 0 1;<x 0 -1;0
sm a:n b:n>n;s=0;@i a..b{s=+s i};s
wl n:n>n;i=0;s=0;wh <i n{i=+i 1;=mod i 3 0{cnt};>s 50{brk};s=+s i};s
cls x:n>n;?x{1:10;2:20;_:*x 3}
tern x:n>n;r=>x 0{1}{2};r
ev x:n>b;=mod x 2 0
keep x:n>n;x;>x 0{*x 2}
both a:n b:n>n;&>a 0 <b 10 a;b
either a:b b:b>b;|a b
nb a:b>n;=a true 1;0
mm a:n b:n>n;+min a b max a b
cl x:n>n;clamp x 0 10
rr x:n>n;+rou x flr x
pw a:n b:n>n;pow a b
dv a:n b:n>n;/a b
md a:n b:n>n;mod a b
neq a:n b:n>b;!=a b
first x:n>n;@i 0..100{>i x{ret i}};-1
tw x:n>n;y=?>x 0 x -x;?=y 0 -1 y
lp n:n>n;c=0;@i 0..n{@j 0..i{c=+c 1}};c
nest x:n>n;?x{1:?x{1:5;_:6};_:7}
"""

INPUTS = [0.0, -0.0, 1.0, 2.0, 3.0, -1.0, 2.5, -2.5, 0.1, 7.0, 12.0, 1e300, -1e-300,
          math.inf, -math.inf, math.nan]  # fmt: skip


@pytest.fixture(scope="module")
def tiers():
    program = load_source(PROGRAM, "p.ilo")
    nm = compile_module(program)
    gen = generate(program)
    ns = load_generated(gen.source, "p.ilo.fallback.py")
    return program, nm, ns["_FUNCTIONS"]


def _same(a: object, b: object) -> bool:
    if type(a) is float and type(b) is float:
        if math.isnan(a) and math.isnan(b):
            return True
        return struct.pack("<d", a) == struct.pack("<d", b)
    return type(a) is type(b) and a == b


def _outcome(f, args):
    try:
        return ("ok", f(*args))
    except IloRuntimeError as e:
        d = e.diagnostic
        where = (d.start, d.end, tuple(d.notes)) if d else None
        return ("err", e.code, e.message, where)


def test_every_function_is_native(tiers) -> None:
    _, nm, _ = tiers
    assert nm.ineligible == {}


def test_expected_values(tiers) -> None:
    c = tiers[1].callables
    assert c["fib"](25) == 75025
    assert c["tot"](1, 2, 3) == 6
    assert [c["sgn"](x) for x in (5, -5, 0)] == [1, -1, 0]
    assert c["sm"](0.5, 3) == 3 and c["sm"](-1.5, 1.9) == -1
    assert c["cls"](2) == 20 and c["cls"](5) == 15
    assert c["keep"](-3) == -3 and c["keep"](3) == 6
    assert c["both"](1, 5) == 1 and c["both"](1, 50) == 50
    assert c["nb"](True) == 1 and c["nb"](False) == 0
    assert c["first"](3) == 4 and c["first"](500) == -1
    assert c["lp"](5) == 10 and c["nest"](1) == 5 and c["nest"](2) == 7


@pytest.mark.parametrize(
    "func",
    "fib tot sgn sm wl cls tern ev keep both mm cl rr pw dv md neq first tw lp nest".split(),
)
def test_native_matches_fallback(tiers, func: str) -> None:
    program, nm, fallback = tiers
    decl = next(f for f in program.functions() if f.name == func)
    arity = len(decl.params)
    grid = [(x,) for x in INPUTS] if arity == 1 else [(x, y) for x in INPUTS for y in INPUTS[:9]]
    if arity == 3:
        grid = [(x, y, 1.5) for x, y in grid]
    if func == "fib":
        grid = [(x,) for x in (0.0, 1.0, 2.0, 10.0, 15.5, -3.0, math.nan)]
    if func == "sm":  # ranges with infinite bounds run (practically) forever in every tier
        grid = [(x, y) for x, y in grid if abs(x) < 1e6 and abs(y) < 1e6 or math.isnan(x + y)]
    if func in ("lp", "wl", "first"):
        grid = [(x,) for x in (0.0, 1.0, 5.0, 20.5, -3.0, math.nan)]
    native = nm.callables[func]
    for args in grid:
        want = _outcome(lambda *a: call_entry(fallback[func], list(a)), args)  # noqa: B023
        got = _outcome(native, args)
        if want[0] == "ok":
            assert got[0] == "ok" and _same(got[1], want[1]), (func, args, got, want)
        elif want[1] == "ILO-R010":
            # Both tiers stop runaway recursion; their depth limits differ.
            assert got[:2] == want[:2], (func, args)
        else:
            assert got == want, (func, args)


def test_bool_functions_against_fallback(tiers) -> None:
    _, nm, fallback = tiers
    for a in (True, False):
        for b in (True, False):
            assert nm.callables["either"](a, b) is call_entry(fallback["either"], [a, b])
        assert nm.callables["nb"](a) == call_entry(fallback["nb"], [a])


def test_runtime_error_positions_match_fallback(tiers) -> None:
    _, nm, fallback = tiers
    for func, args in (("dv", (1.0, 0.0)), ("md", (3.0, -0.0))):
        got = _outcome(nm.callables[func], args)
        assert got[0] == "err" and got[1] == "ILO-R003"
        entry = fallback[func]
        assert got == _outcome(lambda *a, entry=entry: call_entry(entry, list(a)), args)
