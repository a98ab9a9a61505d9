"""The raw AArch64 backend's in-process JIT (`ilo_aot.backends.arm64.pyjit`, engine "arm64").

On any host: argument conversion, fallbacks, arity, names and signatures, and the mapping of
IloCtx status and trace to IloRuntimeError, with a scripted executor; then the generated code
run in the unicorn emulator behind the same callables, up to `ilo_aot.load(engine="arm64")` and
`ilo --engine arm64` with the host check patched. Marked `qemu`: the real thing, Debian's arm64
CPython under qemu-aarch64 running the code from executable memory through ctypes.
"""

from __future__ import annotations

import ctypes
import inspect
import json
import os
import shutil
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ilo_aot
from conftest import EXAMPLES, ROOT, read_cases, run_ilo
from ilo_aot.backends.arm64 import pyjit
from ilo_aot.ir import ir
from ilo_aot.pipeline import check, source_from
from ilo_runtime.errors import IloRuntimeError

SRC = textwrap.dedent(
    """\
    fib n:n>n;<n 2 n;+fib -n 1 fib -n 2
    tot p:n q:n r:n>n;s=*p q;t=*s r;+s t
    kern n:n>n;s=0;@i 0..n{s=+s *i i};s
    md a:n b:n>n;mod a b
    outer a:n>n;+1 md a 0
    deep n:n>n;<=n 0 0;+1 deep -n 1
    spin n:n>n;+1 spin +n 1
    pos x:n f:b>b;&f >x 0
    dbl x:n>n;+x x
    two-x x:n x:n>n;x
    greet name:t>t;+"hi " name
    """
)


def program_of(text: str = SRC):
    checked = check(source_from(text))
    assert checked.ok, checked.diagnostics
    return checked.program


def error_of(fn, *args) -> IloRuntimeError:
    with pytest.raises(IloRuntimeError) as info:
        fn(*args)
    return info.value


def same_error(a: IloRuntimeError, b: IloRuntimeError) -> None:
    assert (a.code, str(a)) == (b.code, str(b))
    assert (a.diagnostic.start, a.diagnostic.end) == (b.diagnostic.start, b.diagnostic.end)
    assert a.diagnostic.notes == b.diagnostic.notes


# ---------------------------------------------------------------------------------------------
# The Python side, with a scripted executor


class Scripted:
    """An executor that records the converted arguments and returns a fixed outcome."""

    def __init__(self, outcome: tuple[int, float | int, list[int]] = (0, 1.5, [])) -> None:
        self.outcome = outcome
        self.seen: list[tuple[str, list[float | int]]] = []

    def entry(self, fn: ir.Function):
        def run(args: list[float | int]):
            self.seen.append((fn.name, list(args)))
            return self.outcome

        return run


def scripted_jit(outcome=(0, 1.5, []), fallbacks=None) -> tuple[pyjit.Arm64Jit, Scripted]:
    executor = Scripted(outcome)
    module = pyjit.build_code(program_of()).analysis.module
    return pyjit.Arm64Jit(module, executor, fallbacks=fallbacks, module_name="kern"), executor


def test_ctx_structure_matches_the_native_abi():
    offsets = {name: getattr(pyjit.IloCtx, name).offset for name, _ in pyjit.IloCtx._fields_}
    assert offsets == {"status": ir.CTX_STATUS, "depth": ir.CTX_DEPTH,
                       "depth_limit": ir.CTX_DEPTH_LIMIT, "trace_len": ir.CTX_TRACE_LEN,
                       "trace_cap": ir.CTX_TRACE_CAP, "reserved": 20, "trace": ir.CTX_TRACE}
    assert ctypes.sizeof(pyjit.IloCtx) == ir.CTX_SIZE


class Index:
    def __index__(self) -> int:
        return 7


class FloatLike:
    def __float__(self) -> float:
        return 2.25


class BadFloat:
    def __float__(self) -> float:
        raise ValueError("no")


class NotAFloat:
    def __float__(self):
        return "2"


class TaggedFloat(float):
    def __float__(self) -> float:  # PyFloat_AsDouble reads the value of float subclasses
        return 99.0


def test_number_arguments_convert_like_the_llvm_wrapper():
    fallback_calls = []
    jit, ex = scripted_jit(fallbacks={"dbl": lambda *a: fallback_calls.append(a) or "fb"})
    dbl = jit.callables["dbl"]
    natively = [(1, 1.0), (2.5, 2.5), (-0.0, -0.0), (Index(), 7.0), (FloatLike(), 2.25),
                (TaggedFloat(3.5), 3.5), (10**20, 1e20)]
    for value, double in natively:
        assert dbl(value) == 1.5
        got = ex.seen[-1][1][0]
        assert type(got) is float and struct.pack("<d", got) == struct.pack("<d", double)
    assert len(ex.seen) == len(natively)
    for value in (True, False, "2", None, 10**400, BadFloat(), NotAFloat(), [1.0]):
        assert dbl(value) == "fb"
        assert fallback_calls[-1] == (value,)
    assert len(ex.seen) == len(natively)  # none of those reached native code
    assert pyjit.to_double(3) == 3.0 and type(pyjit.to_double(3)) is float


def test_bool_arguments_and_results():
    fallback_calls = []
    jit, ex = scripted_jit(outcome=(0, 1, []),
                           fallbacks={"pos": lambda *a: fallback_calls.append(a) or "fb"})
    pos = jit.callables["pos"]
    assert pos(2, True) is True and ex.seen[-1] == ("pos", [2.0, 1])
    assert pos(2, False) is True and ex.seen[-1] == ("pos", [2.0, 0])
    for flag in (1, 0, None, "yes"):
        assert pos(2, flag) == "fb" and fallback_calls[-1] == (2, flag)
    ex.outcome = (0, 0, [])
    assert pos(1, True) is False


def test_arity_and_keyword_arguments():
    jit, ex = scripted_jit()
    tot = jit.callables["tot"]
    with pytest.raises(TypeError, match=r"tot\(\) takes exactly 3 arguments \(2 given\)"):
        tot(1, 2)
    with pytest.raises(TypeError, match=r"dbl\(\) takes exactly 1 argument \(0 given\)"):
        jit.callables["dbl"]()
    assert tot(1, r=3, q=2) == 1.5 and ex.seen[-1] == ("tot", [1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        tot(1, 2, s=3)
    with pytest.raises(TypeError):
        tot(1, 2, 3, p=4)


def test_without_a_fallback_the_argument_is_reported():
    jit, _ = scripted_jit()
    with pytest.raises(pyjit.NativeArgumentError, match=r"tot\(\): parameter 'q' needs a number "
                                                        r"in native code, got str"):
        jit.callables["tot"](1, "x", 3)
    with pytest.raises(TypeError, match=r"pos\(\): parameter 'f' needs a bool"):
        jit.callables["pos"](1, 1)


def test_names_docs_and_signatures():
    jit, _ = scripted_jit()
    tot, two = jit.callables["tot"], jit.callables["two-x"]
    assert (tot.__name__, tot.__doc__, tot.__module__) == ("tot", "tot p:n q:n r:n>n", "kern")
    assert str(inspect.signature(tot)) == "(p, q, r)"
    assert two.__name__ == "two_x" and str(inspect.signature(two)) == "(x_0, x)"
    assert "greet" not in jit.callables


def test_status_and_trace_become_the_fallback_tiers_error():
    interp = ilo_aot.load(SRC, engine="interp")
    module = pyjit.build_code(program_of()).analysis.module
    site = next(i for i, s in enumerate(module.sites) if s.message == "modulo by zero")
    ids = {f.name: f.fn_id for f in module.functions}
    jit = pyjit.Arm64Jit(module, Scripted((site + 1, 0.0, [ids["md"], ids["outer"]])))
    same_error(error_of(jit.callables["outer"], 3), error_of(interp.outer, 3))
    assert error_of(jit.callables["outer"], 3).diagnostic.notes == [
        "called from 'outer'", "called from 'md'"]


def test_native_calls_are_counted_and_fallbacks_are_not():
    jit, _ = scripted_jit(fallbacks={"dbl": lambda *a: 0})
    jit.callables["dbl"](1)
    jit.callables["dbl"](2)
    jit.callables["dbl"]("text")
    assert jit.native_calls("dbl") == 2 and jit.native_calls("tot") == 0
    assert jit.native_calls("greet") == 0 and jit.cache_hit is False


# ---------------------------------------------------------------------------------------------
# The generated code, run in the unicorn emulator behind the same callables


class EmulatorExecutor:
    """Runs the module in unicorn: IloCtx and trace live in the emulated memory."""

    def __init__(self, compiled, depth_limit: int) -> None:
        from ilo_aot.backends.arm64.emulate import Emulator, libm_helpers
        from ilo_aot.backends.arm64.link import DataBlock

        self.symbols = compiled.symbols
        self.depth_limit, self.cap = depth_limit, depth_limit + 1
        blocks = [DataBlock("ctx", bytes(ir.CTX_SIZE)), DataBlock("trace", bytes(4 * self.cap))]
        self.emu = Emulator(compiled.functions, data=blocks, helpers=libm_helpers(),
                            stack_size=4 << 20)

    def entry(self, fn: ir.Function):
        emu, symbol = self.emu, self.symbols[fn.name]
        kind = "f64" if fn.ret == ir.F64 else "i64"

        def run(args):
            args = [int(a) if isinstance(a, bool) else a for a in args]  # ctypes does this
            ctx, trace = emu.address("ctx"), emu.address("trace")
            emu.write_memory(ctx, struct.pack("<iiiiiiQ", 0, 0, self.depth_limit, 0, self.cap,
                                              0, trace))
            value = emu.call(symbol, ctx, *args, result=kind, max_instructions=50_000_000)
            status, _, _, trace_len = struct.unpack("<iiii", emu.read_memory(ctx, 16))
            count = min(trace_len, self.cap) if status else 0
            frames = list(struct.unpack(f"<{count}i", emu.read_memory(trace, 4 * count)))
            return status, value, frames

        return run


@pytest.fixture
def emulated():
    pytest.importorskip("unicorn")
    interp = ilo_aot.load(SRC, engine="interp")
    nm = pyjit.compile_module(program_of(), fallbacks={"dbl": interp.dbl},
                              executor_factory=EmulatorExecutor)
    return nm, interp


def test_emulated_code_agrees_with_the_fallback_tier(emulated):
    nm, interp = emulated
    assert set(nm.callables) == {"fib", "tot", "kern", "md", "outer", "deep", "spin", "pos",
                                 "dbl", "two-x"}
    assert "greet" in nm.ineligible and set(nm.compile_times) == set(nm.callables)
    calls = [("tot", (1, 2.5, 3)), ("fib", (15,)), ("kern", (1000,)), ("pos", (2, True)),
             ("pos", (-2, True)), ("dbl", (Index(),)), ("dbl", ("ab",)), ("md", (-7, 3)),
             ("two-x", (1, 2))]
    for name, args in calls:
        got, want = nm.callables[name](*args), getattr(interp, name.replace("-", "_"))(*args)
        assert got == want and type(got) is type(want), (name, args, got, want)
    for name, args in [("md", (7, 0)), ("outer", (3,))]:
        same_error(error_of(nm.callables[name], *args), error_of(getattr(interp, name), *args))


def test_emulated_recursion_stops_at_the_limit(emulated):
    nm, interp = emulated
    assert nm.callables["deep"](9999) == 9999.0  # 10,000 nested calls run
    err = error_of(nm.callables["deep"], 10000)  # one more raises
    assert (err.code, str(err).split(": ", 1)[1]) == (
        "ILO-R010", "ILO-R010: recursion depth exceeded (limit 10000)")
    assert err.diagnostic.notes == ["called from 'deep'"] * 10000
    spin, want = error_of(nm.callables["spin"], 0), error_of(interp.spin, 0)
    assert (spin.code, str(spin), spin.diagnostic.start) == (
        want.code, str(want), want.diagnostic.start)


def test_functions_the_emitter_cannot_take_stay_in_the_fallback_tier():
    text = textwrap.dedent(
        """\
        nine a:n b:n c:n d:n e:n f:n g:n h:n i:n>n;+a +b +c +d +e +f +g +h i
        mid x:n>n;nine x x x x x x x x x
        top x:n>n;+1 mid x
        ok x:n>n;*x 2
        """
    )
    build = pyjit.build_code(program_of(text))
    assert [f.name for f in build.analysis.module.functions] == ["ok"]
    assert build.reasons["nine"] == ("the AArch64 backend cannot compile it: nine: more than "
                                     "8 number parameters")
    assert build.reasons["top"].startswith("calls `mid`, which is not native (the AArch64")
    assert [f.name for f in build.compiled.functions] == ["ilo_ok"]


@pytest.fixture
def arm64_host(monkeypatch):
    """Pretend to be an aarch64 host whose executable memory is the emulator."""
    pytest.importorskip("unicorn")
    monkeypatch.setattr("platform.machine", lambda: "aarch64")
    monkeypatch.setattr(pyjit, "native_executor", EmulatorExecutor)


def test_load_with_engine_arm64_runs_native_code(arm64_host):
    mod = ilo_aot.load(SRC, engine="arm64")
    tier = mod.__ilo_tiers__
    assert set(tier.native) == {"fib", "tot", "kern", "md", "outer", "deep", "spin", "pos",
                                "dbl", "two-x"}
    assert mod.fib is tier.native["fib"] and mod.two_x is tier.native["two-x"]
    assert mod.fib(20) == 6765.0 and mod.greet("x") == "hi x" and mod.dbl("ab") == "abab"
    assert error_of(mod.outer, 1).diagnostic.notes == ["called from 'outer'", "called from 'md'"]
    stats = {s.name: s for s in tier.function_stats()}
    assert stats["fib"].compiled and stats["fib"].native_calls == 1
    assert stats["dbl"].native_calls == 0 and not stats["greet"].compiled


def test_ilo_command_with_engine_arm64(arm64_host):
    res = run_ilo([str(EXAMPLES / "num-fib.ilo"), "fib-rec", "20", "--engine", "arm64",
                   "--jit-stats"])
    assert (res.code, res.out.strip()) == (0, "6765"), res.err
    rows = [line.split() for line in res.err.splitlines() if line.startswith("  fib-rec ")]
    assert rows and rows[-1][1:6] == ["native", "interp", "0", "native", "1"], res.err
    res = run_ilo([str(EXAMPLES / "err-div-zero.ilo"), "pct", "5", "0", "--engine", "arm64"])
    assert res.code == 1
    assert json.loads(res.err)["notes"] == ["called from 'pct'", "called from 'ratio'"]


def test_without_llvmlite_engine_auto_keeps_the_fallback_tier(monkeypatch):
    """A host without llvmlite (aarch64 machines often): hot functions stay in the fallback
    tier with a reason, instead of the import error reaching the caller."""
    monkeypatch.setitem(sys.modules, "ilo_aot.backends.llvm", None)  # import fails
    mod = ilo_aot.load(SRC, engine="auto", settings=ilo_aot.JitSettings(hot_calls=2))
    assert [mod.fib(n) for n in range(5)] == [0.0, 1.0, 1.0, 2.0, 3.0]
    stat = next(s for s in mod.__ilo_tiers__.function_stats() if s.name == "fib")
    assert stat.hot and not stat.compiled
    assert stat.reason.startswith("native compile unavailable: ")


def test_engine_arm64_on_other_hosts_keeps_its_clear_error():
    from ilo_aot.jit.tiered import EngineUnavailable, check_engine

    if pyjit_host_is_aarch64():
        pytest.skip("this host is aarch64")
    with pytest.raises(EngineUnavailable, match="needs an aarch64 host"):
        check_engine("arm64")


def pyjit_host_is_aarch64() -> bool:
    from ilo_aot.backends.arm64.execmem import host_is_aarch64

    return host_is_aarch64()


NO_LLVMLITE = """
import importlib.abc, sys

class NoLlvmlite(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "llvmlite":
            raise ImportError("llvmlite imported")

sys.meta_path.insert(0, NoLlvmlite())
"""


def test_engine_arm64_never_imports_llvmlite():
    pytest.importorskip("unicorn")
    script = NO_LLVMLITE + textwrap.dedent(
        f"""
        import platform
        import ilo_aot
        from ilo_aot.backends.arm64 import pyjit
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_arm64_pyjit import EmulatorExecutor
        platform.machine = lambda: "aarch64"
        pyjit.native_executor = EmulatorExecutor
        mod = ilo_aot.load("fib n:n>n;<n 2 n;+fib -n 1 fib -n 2", engine="arm64")
        assert "fib" in mod.__ilo_tiers__.native, mod.__ilo_tiers__.stats
        print(mod.fib(10), any(m.startswith("llvmlite") for m in sys.modules))
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "runtime")]))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["55.0", "False"]


# ---------------------------------------------------------------------------------------------
# The real thing: Debian's arm64 CPython under qemu-aarch64

QEMU_CHECK = NO_LLVMLITE + textwrap.dedent(
    '''
    import json, platform, time
    import ilo_aot
    from conftest import EXAMPLES, check_case, read_cases

    assert platform.machine() == "aarch64", platform.machine()
    SRC = %r
    nat = ilo_aot.load(SRC, engine="arm64")
    ref = ilo_aot.load(SRC, engine="interp")
    tier = nat.__ilo_tiers__
    report = {"native": sorted(tier.native), "kind": type(nat.fib).__name__}

    class Index:
        def __index__(self):
            return 7

    calls = [("tot", (1, 2.5, 3)), ("fib", (20,)), ("kern", (100000,)), ("pos", (2, True)),
             ("pos", (-2, True)), ("pos", (2, False)), ("dbl", (Index(),)), ("dbl", ("ab",)),
             ("greet", ("x",)), ("deep", (9999,)), ("md", (-7, 3))]
    report["results"] = []
    for name, args in calls:
        got, want = getattr(nat, name)(*args), getattr(ref, name)(*args)
        report["results"].append([name, repr(got), repr(want), type(got) is type(want)])

    def error_of(fn, *args):
        try:
            fn(*args)
        except Exception as e:
            d = getattr(e, "diagnostic", None)
            return [type(e).__name__, getattr(e, "code", None), str(e),
                    d and [d.start, d.end, len(d.notes), d.notes[:3]]]
        return None

    report["errors"] = {
        name: [error_of(getattr(nat, name), *args), error_of(getattr(ref, name), *args)]
        for name, args in [("md", (7, 0)), ("outer", (3,)), ("spin", (0,)),
                           ("deep", (10000,)), ("tot", (1, 2))]}
    report["kern_equal"] = nat.kern(300000) == ref.kern(300000)
    report["native_calls"] = {s.name: s.native_calls for s in tier.function_stats()}

    # Threads at once: each call has its own IloCtx (ctypes releases the GIL around the code).
    import threading
    outcomes = []
    def worker(i):
        for _ in range(25):
            outcomes.append((nat.fib(10 + i), error_of(nat.outer, i)[3][3]))
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report["threads"] = [len(outcomes), sorted({o[0] for o in outcomes}),
                         all(o[1] == ["called from 'outer'", "called from 'md'"] for o in outcomes)]
    report["llvmlite"] = any(m.startswith("llvmlite") for m in sys.modules)

    # The annotated cases of some examples through `ilo --engine arm64` (in this process).
    report["cases"], report["problems"], report["partly_native"] = 0, [], []
    for stem in %r:
        path = EXAMPLES / (stem + ".ilo")
        t = ilo_aot.load(str(path), engine="arm64").__ilo_tiers__
        if not t.native or t.eligible - set(t.native):
            report["partly_native"].append(stem)
        for case in read_cases(path):
            report["cases"] += 1
            problem = check_case(case, ["--engine", "arm64"])
            if problem:
                report["problems"].append(case.id + ": " + problem)
    print(json.dumps(report))
    '''
)
QEMU_EXAMPLES = ["num-fib", "num-collatz", "num-mandel", "num-bits", "num-trig", "num-gcd",
                 "num-recursion", "num-rounding", "err-div-zero"]


def _qemu_and_root() -> tuple[str, Path]:
    """qemu-aarch64 and a folder holding Debian's arm64 python3.11, or skip with the reason."""
    qemu = shutil.which("qemu-aarch64")
    if qemu is None:
        pytest.skip("qemu-aarch64 not installed (wheels/install-cross-tools.sh installs it)")
    root = Path(os.environ.get("ILO_AOT_QEMU_ROOT") or Path.home() / ".cache" / "ilo-aot-qemu")
    if not (root / "usr/bin/python3.11").exists():
        run = subprocess.run(["bash", str(ROOT / "wheels" / "arm64-python-root.sh"), str(root)],
                             capture_output=True, text=True, timeout=900)
        if run.returncode != 0:
            pytest.skip(f"Debian's arm64 python3.11 could not be unpacked in {root} "
                        f"(wheels/arm64-python-root.sh exit {run.returncode}): "
                        f"{run.stderr.strip()[-300:]}")
    return qemu, root


@pytest.fixture(scope="module")
def qemu_runs(tmp_path_factory):
    """The qemu launches of this file, run side by side (each takes several seconds)."""
    qemu, root = _qemu_and_root()
    tmp = tmp_path_factory.mktemp("arm64-pyjit")
    # Bytecode of the arm64 interpreter's runs kept beside its root: compiling every module
    # again under qemu would double the time of each launch.
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(root / "var/cache/ilo-aot-pycache"),
               ILO_AOT_CACHE=str(tmp / "cache"),
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "runtime"), str(ROOT / "tests")]))
    python = [qemu, "-L", str(root), str(root / "usr/bin/python3.11")]
    commands = {
        "api": [*python, "-c", QEMU_CHECK % (SRC, QEMU_EXAMPLES)],
        "cli": [*python, "-m", "ilo_aot", str(EXAMPLES / "num-prime.ilo"), "is-prime", "97",
                "--engine", "arm64", "--jit-stats"],
        "cli-error": [*python, "-m", "ilo_aot", str(EXAMPLES / "err-div-zero.ilo"), "pct", "5",
                      "0", "--engine", "arm64"],
    }
    procs = {name: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=env, cwd=tmp)
             for name, cmd in commands.items()}
    runs = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        runs[name] = subprocess.CompletedProcess(commands[name], proc.returncode, out, err)
    return runs


@pytest.mark.qemu
def test_engine_arm64_under_qemu_matches_the_fallback_tier(qemu_runs):
    run = qemu_runs["api"]
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["kind"] == "function"  # the arm64 callables, not LLVM builtins
    assert report["native"] == ["dbl", "deep", "fib", "kern", "md", "outer", "pos", "spin",
                                "tot", "two-x"]
    for name, got, want, same_type in report["results"]:
        assert got == want and same_type, (name, got, want)
    assert dict((r[0], r[1]) for r in report["results"][:3]) == {
        "tot": "10.0", "fib": "6765.0", "kern": "333328333350000.0"}
    errors = report["errors"]
    for name in ("md", "outer"):
        native, interp = errors[name]
        assert native == interp and native[1] == "ILO-R003", (name, native, interp)
    assert errors["outer"][0][3][3] == ["called from 'outer'", "called from 'md'"]
    (spin, spin_ref), (deep, deep_ref) = errors["spin"], errors["deep"]
    assert spin[:3] == spin_ref[:3] and spin[1] == "ILO-R010"  # same code, message, place
    assert deep[2].endswith("ILO-R010: recursion depth exceeded (limit 10000)")
    assert deep[3][2] == 10000 and deep_ref is None  # the fallback tier goes a little deeper
    assert errors["tot"][0][:2] == ["TypeError", None]
    # Native calls were counted (the fallback tier did not run them), `dbl` ran natively once.
    assert report["native_calls"]["fib"] == 1 and report["native_calls"]["dbl"] == 1
    assert report["native_calls"]["greet"] == 0
    # kern ran natively both times (the fallback tier did not run it), with the same result
    assert report["kern_equal"] and report["native_calls"]["kern"] == 2
    assert report["llvmlite"] is False
    assert report["threads"] == [100, [55.0, 89.0, 144.0, 233.0], True]
    assert report["cases"] >= 40 and report["problems"] == [], report["problems"]
    assert report["partly_native"] == []


@pytest.mark.qemu
def test_ilo_command_with_engine_arm64_under_qemu(qemu_runs):
    run = qemu_runs["cli"]
    assert (run.returncode, run.stdout.strip()) == (0, "true"), run.stderr[-3000:]
    rows = [line.split() for line in run.stderr.splitlines() if line.startswith("  is-prime ")]
    assert rows and rows[0][1:6] == ["native", "interp", "0", "native", "1"], run.stderr
    run = qemu_runs["cli-error"]
    want = next(c for c in read_cases(EXAMPLES / "err-div-zero.ilo") if c.args == ["pct", "5", "0"])
    assert (run.returncode, run.stdout, run.stderr.strip()) == (1, "", want.text)
    assert json.loads(want.text)["notes"] == ["called from 'pct'", "called from 'ratio'"]
