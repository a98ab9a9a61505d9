"""Smoke test of the installed demo wheels (geodemo: setuptools, skdemo: scikit-build-core),
used by cibuildwheel's test command and by cross-build-aarch64.sh under qemu. Needs only the
wheels and ilo-runtime; checks whichever demo packages are installed (at least one).

Checks: native functions are builtins and give the fallback tier's results, fallback functions
work, runtime errors carry code and location, and neither ilo_aot nor llvmlite is imported.
"""

from __future__ import annotations

import math
import platform
import sys


def check_geodemo() -> None:
    import geodemo
    from geodemo import kernels as k

    from ilo_runtime import IloRuntimeError

    native = ["tot", "hyp", "fac", "fib", "clip", "ratio", "is_even"]
    for name in native:
        fn = getattr(k, name)
        assert type(fn).__name__ == "builtin_function_or_method", (name, type(fn))
    for name in ["dist", "mid", "greet", "total"]:
        assert type(getattr(k, name)).__name__ == "function", name

    fb = k.__ilo_fallback__
    cases = [
        ("tot", (1, 2.5, 3)),
        ("hyp", (3, 4)),
        ("fac", (10,)),
        ("fib", (20,)),
        ("clip", (15, 0, 10)),
        ("clip", (-0.5, 0, 10)),
        ("ratio", (1, 3)),
        ("is_even", (6,)),
        ("is_even", (7,)),
    ]
    for name, args in cases:
        got, want = getattr(k, name)(*args), getattr(fb, name)(*args)
        assert got == want and type(got) is type(want), (name, args, got, want)
    assert k.tot(1, 2, 3) == 6.0
    assert k.fib(20) == 6765.0
    assert math.isclose(k.hyp(3, 4), 5.0)

    p, q = k.pt(x=0, y=0), k.pt(x=3, y=4)
    assert k.dist(p, q) == 5.0
    assert k.mid(p, q) == k.pt(x=1.5, y=2)
    assert k.greet("arm") == "hello, arm"
    assert k.total([1, 2, 3.5]) == 6.5
    assert geodemo.perimeter(geodemo.Path([(0, 0), (3, 4), (3, 0)])) == 9.0

    try:
        k.ratio(1, 0)
    except IloRuntimeError as e:
        assert e.code == "ILO-R003", e.code
        assert "kernels.ilo:" in str(e), str(e)
    else:
        raise AssertionError("ratio(1, 0) did not raise")



def check_skdemo() -> None:
    import skdemo
    from skdemo import kernels as k

    from ilo_runtime import IloRuntimeError

    for name in ["grow", "poly", "sgn", "pick", "safe_mod", "pos"]:
        assert type(getattr(k, name)).__name__ == "builtin_function_or_method", name
    fb = k.__ilo_fallback__
    for name, args in [("grow", (100, 0.05, 10)), ("poly", (2.5,)), ("sgn", (-3,)),
                       ("pick", (1, 5)), ("safe_mod", (7, 3)), ("pos", (0,))]:
        got, want = getattr(k, name)(*args), getattr(fb, name)(*args)
        assert got == want and type(got) is type(want), (name, args, got, want)
    final, text = skdemo.project(100, 0.05, 10)
    assert final == fb.grow(100, 0.05, 10) and text.startswith("balance 162.889"), text
    try:
        k.safe_mod(5, 0)
    except IloRuntimeError as e:
        assert e.code == "ILO-R003", e.code
    else:
        raise AssertionError("safe_mod(5, 0) did not raise")


def main() -> int:
    import importlib.util

    checked = []
    for name, check in (("geodemo", check_geodemo), ("skdemo", check_skdemo)):
        if importlib.util.find_spec(name) is not None:
            check()
            checked.append(name)
    if not checked:
        print("no demo package installed", file=sys.stderr)
        return 1
    assert "ilo_aot" not in sys.modules and "llvmlite" not in sys.modules
    print(f"{', '.join(checked)} OK on {platform.machine()} (Python {platform.python_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
