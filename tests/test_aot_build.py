"""AOT extension modules built in-process with the host C compiler (`ilo_aot.aot`), the compile
cache and the `ilo-aot` command. Real builds, no mocks; one build of the demo module is shared.

The pip/PEP 517 builds of the demo packages are in test_aot_packages.py.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import json
import math
import os
import shutil
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import EXAMPLES
from ilo_aot.aot import AotError, BuildOptions, build_module
from ilo_aot.aot.toolchain import CcToolchain
from ilo_aot.cache import CompileCache

DEMO_ILO = EXAMPLES / "setuptools-demo" / "src" / "geodemo" / "kernels.ilo"
NATIVE = ["tot", "hyp", "fac", "fib", "clip", "ratio", "is-even"]
FALLBACK = ["dist", "mid", "greet", "total"]

pytestmark = pytest.mark.skipif(
    shutil.which(os.environ.get("CC", "cc")) is None, reason="no C compiler on this machine"
)


def _import(path: Path, name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo module built once (cold cache), its build log, cache and folder."""
    root = tmp_path_factory.mktemp("aot")
    log = root / "build.log"
    os.environ["ILO_AOT_BUILD_LOG"] = str(log)
    try:
        cache = CompileCache(root / "cache")
        src = root / "kernels.ilo"
        shutil.copy(DEMO_ILO, src)
        result = build_module(
            str(src), str(root / "out" / "kernels.abi3.so"), module_name="kernels",
            toolchain=CcToolchain(), cache=cache,
        )
    finally:
        del os.environ["ILO_AOT_BUILD_LOG"]
    mod = _import(Path(result.ext_path), "kernels")
    import ilo_aot

    ref = ilo_aot.load(str(src), engine="interp")
    return {"root": root, "result": result, "mod": mod, "ref": ref, "cache": cache, "log": log,
            "src": src}


def test_native_and_fallback_split(built) -> None:  # type: ignore[no-untyped-def]
    mod, result = built["mod"], built["result"]
    assert result.native == NATIVE and sorted(result.fallback) == sorted(FALLBACK)
    for name in NATIVE:
        assert type(getattr(mod, name.replace("-", "_"))).__name__ == "builtin_function_or_method"
    for name in FALLBACK:
        assert inspect.isfunction(getattr(mod, name))
    assert "line 12" in result.fallback["dist"]


NUMBERS = [0.0, -0.0, 1.0, 2.5, -3.0, 7, 10, 1e300, -1e-300, math.inf, -math.inf, math.nan, 2**60]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) ==
                                                     math.copysign(1, b))
    return type(a) is type(b) and a == b


def _outcome(fn, args):  # type: ignore[no-untyped-def]
    try:
        return ("ok", fn(*args))
    except Exception as e:  # noqa: BLE001 - comparing what each tier raises
        return ("err", type(e).__name__, str(e), getattr(e, "code", None))


@pytest.mark.parametrize("name,arity", [("tot", 3), ("hyp", 2), ("clip", 3), ("ratio", 2),
                                        ("is-even", 1), ("fac", 1)])
def test_native_results_equal_fallback_tier(built, name: str, arity: int) -> None:  # type: ignore[no-untyped-def]
    mod, ref = built["mod"], built["ref"]
    py = name.replace("-", "_")
    native, fallback = getattr(mod, py), getattr(ref, py)
    checked = 0
    for i, a in enumerate(NUMBERS):
        args = [a] + [NUMBERS[(i * 5 + k * 3 + 1) % len(NUMBERS)] for k in range(arity - 1)]
        if name == "fac" and not abs(a) < 200:
            continue  # fac of a huge number recurses to the depth limit (tested below)
        got, want = _outcome(native, args), _outcome(fallback, args)
        assert got[0] == want[0], (args, got, want)
        if got[0] == "ok":
            assert _same(got[1], want[1]), (name, args, got, want)
        else:
            assert got[1:] == want[1:], (name, args, got, want)
        checked += 1
    assert checked >= 8


def test_arguments_that_are_not_plain_numbers(built) -> None:  # type: ignore[no-untyped-def]
    mod, ref = built["mod"], built["ref"]

    class Idx:
        def __index__(self) -> int:
            return 7

    class Flt:
        def __float__(self) -> float:
            return 2.5

    assert mod.tot(Idx(), Flt(), 2**70) == ref.tot(Idx(), Flt(), 2**70)
    assert mod.tot(a=1, b=2, c=3) == 6.0
    # A bool, a str, an int too large for a double: the call runs the fallback tier.
    for args in [(1, True, 3), ("a", "b", "c"), (10**400, 1, 1), ([1], 2, 3)]:
        assert _outcome(mod.tot, args)[1:] == _outcome(ref.tot, args)[1:], args
    with pytest.raises(TypeError) as e:
        mod.tot(1, 2)
    assert str(e.value) == "tot() takes 3 arguments (a b c) but 2 were given"


def test_runtime_errors_match_fallback_tier(built) -> None:  # type: ignore[no-untyped-def]
    from ilo_runtime import IloRuntimeError

    mod, ref = built["mod"], built["ref"]
    with pytest.raises(IloRuntimeError) as native:
        mod.ratio(1, 0)
    with pytest.raises(IloRuntimeError) as fallback:
        ref.ratio(1, 0)
    assert str(native.value) == str(fallback.value)
    assert native.value.code == "ILO-R003"
    assert native.value.diagnostic.to_text(with_path=True) == fallback.value.diagnostic.to_text(
        with_path=True
    )
    # Unbounded recursion raises ILO-R010 (no crash); the trace is complete.
    with pytest.raises(IloRuntimeError) as deep:
        mod.fac(1e9)
    assert deep.value.code == "ILO-R010"
    assert len(deep.value.diagnostic.notes) == 10_000


def test_docs_signatures_names_and_records(built) -> None:  # type: ignore[no-untyped-def]
    mod = built["mod"]
    assert str(inspect.signature(mod.clip)) == "(x, lo, hi)"
    assert mod.clip.__doc__ == "clip x:n lo:n hi:n>n"
    assert getattr(mod, "is-even")(4) is True
    p = mod.pt(x=0, y=0)
    assert mod.dist(p, mod.pt(x=3, y=4)) == 5.0
    assert mod.mid(p, mod.pt(x=2, y=2)) == mod.pt(x=1, y=1)
    assert "clip x:n lo:n hi:n>n" in mod.__doc__
    stub = Path(built["result"].pyi_path).read_text()
    assert "def is_even(n: float) -> bool:" in stub
    assert "class pt(Record):" in stub
    assert "def total(xs: Sequence[float]) -> float:" in stub
    compile(stub, "kernels.pyi", "exec")


def test_warm_cache_compiles_nothing(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "log"
    os.environ["ILO_AOT_BUILD_LOG"] = str(log)
    try:
        again = build_module(
            str(built["src"]), str(tmp_path / "kernels.abi3.so"), module_name="kernels",
            toolchain=CcToolchain(), cache=built["cache"],
        )
    finally:
        del os.environ["ILO_AOT_BUILD_LOG"]
    assert again.cache_hit
    events = [json.loads(line)["event"] for line in log.read_text().splitlines()]
    assert events == ["hit"]
    first = [json.loads(line)["event"] for line in built["log"].read_text().splitlines()]
    assert first == ["compiled"]
    assert (tmp_path / "kernels.abi3.so").read_bytes() == Path(built["result"].ext_path).read_bytes()


def test_fallback_only_module(tmp_path: Path) -> None:
    src = tmp_path / "plain.ilo"
    src.write_text("type v{a:n}\nsq x:n>n;*x x\nwrap x:n>v;v a:x\n")
    r = build_module(str(src), options=BuildOptions(native=False), toolchain=CcToolchain(),
                     use_cache=False)
    assert r.native == [] and sorted(r.fallback) == ["sq", "wrap"]
    mod = _import(Path(r.ext_path), "plain")
    assert mod.sq(3) == 9.0 and mod.wrap(2).a == 2.0
    assert inspect.isfunction(mod.sq)


def test_type_error_is_the_ilo_diagnostic(tmp_path: Path) -> None:
    src = tmp_path / "bad.ilo"
    src.write_text("ok x:n>n;x\nbad x:n>n;+x \"a\"\n")
    with pytest.raises(AotError) as e:
        build_module(str(src), toolchain=CcToolchain(), use_cache=False)
    text = str(e.value)
    assert text.startswith("error[ILO-T009]")
    assert f"{src}:2:11" in text and "^^^" in text
    with pytest.raises(AotError, match="ilo module not found: .*missing.ilo"):
        build_module(str(tmp_path / "missing.ilo"), toolchain=CcToolchain())


def _cli(*args: str) -> tuple[int, str, str]:
    from ilo_aot.tool_cli import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def test_cli_compile_progress_errors_and_cache(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ILO_AOT_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "k.ilo"
    src.write_text("dbl x:n>n;*x 2\n")
    code, out, err = _cli("compile", str(src), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "[1/1] k" in out and "1 native, 0 fallback" in out
    assert (tmp_path / "out" / "k.abi3.so").is_file() and (tmp_path / "out" / "k.pyi").is_file()
    code, out, _ = _cli("cache", "info")
    assert code == 0 and "entries: 1" in out
    code, out, _ = _cli("cache", "clear")
    assert code == 0 and "removed 1 entry" in out

    bad = tmp_path / "bad.ilo"
    bad.write_text("f x:n>n;+x \"a\"\n")
    code, _, err = _cli("compile", str(bad), "-o", str(tmp_path / "out"))
    assert code == 1
    assert "Traceback" not in err
    from ilo_aot.pipeline import check, read_source

    diag = "\n".join(d.to_text(with_path=True) for d in check(read_source(str(bad))).errors)
    assert f"--> {bad}:1:9" in diag
    assert err.rstrip("\n").endswith(diag.rstrip("\n"))
    code, _, err = _cli("compile", str(tmp_path / "nope.ilo"), "-o", str(tmp_path / "out"))
    assert code == 1 and err.strip() == f"ilo module not found: {tmp_path / 'nope.ilo'}"


def test_cross_target_object_links_with_cross_compiler(tmp_path: Path) -> None:
    cc = shutil.which("aarch64-linux-gnu-gcc")
    if cc is None:
        pytest.skip("aarch64-linux-gnu-gcc not installed (wheels/install-cross-tools.sh)")
    src = tmp_path / "k.ilo"
    src.write_text("dbl x:n>n;*x 2\n")
    tc = CcToolchain(cc=[cc], platform="linux")
    r = build_module(str(src), options=BuildOptions(target="aarch64-unknown-linux-gnu"),
                     toolchain=tc, use_cache=False)
    data = Path(r.ext_path).read_bytes()
    assert data[:4] == b"\x7fELF" and int.from_bytes(data[18:20], "little") == 183  # EM_AARCH64


# ---------------------------------------------------------------- the cache itself


def test_cache_roundtrip_corruption_and_concurrency(tmp_path: Path) -> None:
    cache = CompileCache(tmp_path)
    key = "ab" * 32
    cache.put(key, {"ext": b"\x00" * 1000, "pyi": b"x"})
    assert cache.get(key) == {"ext": b"\x00" * 1000, "pyi": b"x"}
    entry = next(tmp_path.rglob("*.entry"))
    entry.write_bytes(entry.read_bytes()[:-10])  # truncated
    assert cache.get(key) is None
    assert not entry.exists()  # removed, will be rebuilt
    raw = bytearray(b"y" * 5000)
    cache.put(key, {"ext": bytes(raw)})
    blob = bytearray(entry.read_bytes())
    blob[-100] ^= 0xFF  # one flipped byte
    entry.write_bytes(bytes(blob))
    assert cache.get(key) is None

    # Many writers of one key and readers at once: every read is whole or a miss.
    payloads = [{"ext": bytes([i]) * 200_000} for i in range(8)]
    seen: list[object] = []

    def writer(p: dict[str, bytes]) -> None:
        for _ in range(5):
            cache.put(key, p)

    def reader() -> None:
        for _ in range(40):
            seen.append(cache.get(key))

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s is None or s in payloads for s in seen)
    assert cache.get(key) in payloads
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_payload_version_is_checked() -> None:
    from ilo_runtime.aot_support import AotModuleError, decode_payload

    with pytest.raises(AotModuleError, match="corrupt"):
        decode_payload(b"not zlib")
    import zlib

    with pytest.raises(AotModuleError, match="format 99"):
        decode_payload(zlib.compress(json.dumps({"format": 99}).encode()))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
