"""The tiered runtime: engines, hot-spot detection, native switch-over, stats, cache, import hook."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import ilo_aot
from conftest import ROOT, run_ilo
from ilo_aot.jit.tiered import EngineUnavailable

SRC = textwrap.dedent(
    """\
    fib n:n>n;<n 2 n;+fib -n 1 fib -n 2
    tot p:n q:n r:n>n;s=*p q;t=*s r;+s t
    loop n:n>n;s=0;@i 0..n{s=+s i};s
    greet name:t>t;+"hi " name
    """
)


def _stats(mod, name):
    tier = mod.__ilo_tiers__
    return next(s for s in tier.function_stats() if s.name == name)


def test_interp_engine_never_compiles():
    mod = ilo_aot.load(SRC, engine="interp")
    for _ in range(300):
        assert mod.tot(1, 2, 3) == 8.0
    assert not mod.__ilo_tiers__.native
    assert type(mod.tot).__name__ == "function"


def test_llvm_engine_compiles_eligible_functions_up_front():
    mod = ilo_aot.load(SRC, engine="llvm")
    assert type(mod.tot).__name__ == "builtin_function_or_method"
    assert mod.tot(10, 20, 30) == 6200.0
    assert mod.fib(20) == 6765.0
    # greet handles text: it stays in the fallback tier, with a reason naming the line
    assert type(mod.greet).__name__ == "function"
    assert mod.greet("bo") == "hi bo"
    assert "line 4" in mod.__ilo_tiers__.reasons["greet"]


def test_auto_becomes_native_after_hot_calls():
    mod = ilo_aot.load(SRC, engine="auto")
    first = mod.tot
    for _ in range(99):
        first(1, 2, 3)
    assert type(mod.tot).__name__ == "function"
    first(1, 2, 3)  # the 100th call makes it hot: compiled, the attribute switches
    assert type(mod.tot).__name__ == "builtin_function_or_method"
    assert mod.tot(10, 20, 30) == 6200.0
    stat = _stats(mod, "tot")
    assert stat.hot and stat.compiled and stat.interp_calls == 100 and stat.native_calls == 1
    assert first(10, 20, 30) == 6200.0  # an old reference still works (in the fallback tier)


def test_recursion_inside_the_fallback_tier_switches_to_native():
    mod = ilo_aot.load(SRC, engine="auto")
    assert mod.fib(22) == 17711.0  # one call from Python; the 100th recursive call compiles
    stat = _stats(mod, "fib")
    assert stat.compiled
    assert stat.interp_calls < 1000  # the rest of the recursion ran natively
    assert stat.native_calls > 0


def test_long_loop_makes_a_function_hot_for_its_next_call():
    mod = ilo_aot.load(SRC, engine="auto")
    assert mod.loop(5000) == 12497500.0
    assert _stats(mod, "loop").compiled is False
    assert mod.loop(10) == 45.0  # this call compiles it (the previous one looped > 1000 times)
    assert _stats(mod, "loop").compiled
    assert type(mod.loop).__name__ == "builtin_function_or_method"


def test_native_function_given_a_text_runs_the_fallback_tier():
    mod = ilo_aot.load(SRC, engine="llvm")
    with pytest.raises(ilo_aot.IloRuntimeError) as info:
        mod.tot("a", 2, 3)
    assert info.value.code == "ILO-R004"
    assert "Multiply on Text(\"a\")" in info.value.message


def test_jit_stats_reports_every_field():
    mod = ilo_aot.load(SRC, engine="llvm")
    mod.tot(1, 2, 3)
    stats = ilo_aot.jit_stats()
    mine = [f for f in stats.functions if f.name == "greet" and f.engine == "llvm"]
    assert mine and mine[-1].reason is not None
    text = str(stats)
    assert "tracked" in text and "compiled" in text and "ineligible" in text


def test_arm64_engine_gives_a_clear_error_on_other_hosts():
    import platform

    if platform.machine().lower() in ("aarch64", "arm64"):
        pytest.skip("this host is aarch64")
    with pytest.raises(EngineUnavailable, match="needs an aarch64 host"):
        ilo_aot.load(SRC, engine="arm64")
    res = run_ilo([SRC, "tot", "1", "2", "3", "--engine", "arm64"])
    assert res.code == 1 and "aarch64 host" in res.err


def test_unknown_engine_is_rejected():
    with pytest.raises(ValueError, match="engine must be one of"):
        ilo_aot.load(SRC, engine="fast")
    res = run_ilo([SRC, "tot", "1", "2", "3", "--engine", "fast"])
    assert res.code == 1 and "unknown engine" in res.err


def test_cli_engine_and_jit_stats():
    res = run_ilo([SRC, "fib", "15", "--engine", "llvm", "--jit-stats"])
    assert res.code == 0 and res.out.strip() == "610"
    assert "compiled" in res.err and "fib" in res.err


def test_cli_bench_prints_every_tier():
    res = run_ilo([SRC, "--bench", "tot", "1", "2", "3"])
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[1].split()[:2] == ["engine", "ns/call"]
    engines = [ln.split()[0] for ln in lines[2:]]
    assert engines == ["interp", "llvm", "arm64"]
    assert "result 8" in res.out


def test_second_load_in_a_new_process_hits_the_cache(tmp_path):
    script = textwrap.dedent(
        f"""
        import ilo_aot
        mod = ilo_aot.load({SRC!r}, engine="llvm")
        assert mod.fib(10) == 55.0
        print(ilo_aot.jit_stats().cache_hits)
        """
    )
    env_cache = {"ILO_AOT_CACHE": str(tmp_path / "cache")}
    import os

    env = {**os.environ, **env_cache, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'runtime'}"}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout.strip() == "0"
    assert int(second.stdout.strip()) >= 3  # fib, tot, loop all came from the cache


def test_import_hook_finds_ilo_modules(tmp_path, monkeypatch):
    pkg = tmp_path / "kpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "kernels.ilo").write_text("dbl x:n>n;*x 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = ilo_aot.install_import_hook()
    try:
        import kpkg.kernels as kernels  # type: ignore[import-not-found]

        assert kernels.dbl(21) == 42.0
        assert kernels.__name__ == "kpkg.kernels"
    finally:
        sys.meta_path.remove(finder)
        for name in ("kpkg.kernels", "kpkg"):
            sys.modules.pop(name, None)


def test_second_load_in_the_same_process_compiles_nothing():
    src = "sq2 x:n>n;*x x\n"
    first = ilo_aot.load(src, engine="llvm")
    second = ilo_aot.load(src, engine="llvm")
    assert second.sq2(3) == 9.0
    assert _stats(first, "sq2").compiled
    assert _stats(second, "sq2").compiled and _stats(second, "sq2").cache_hit
