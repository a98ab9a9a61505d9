"""The demo packages built the way a user builds them (design.md §1): isolated PEP 517 builds
(`pip wheel`) whose build requirements come from a local wheelhouse holding ilo-aot and
ilo-runtime built from this tree (plus setuptools, scikit-build-core and llvmlite fetched from
the package index once), installed into a fresh venv without ilo-aot or llvmlite, imported and
called. Slow (about a minute): the builds are made once per session and shared.

Marks: `slow` for every test here, `qemu` for the aarch64 cross build run under qemu-aarch64
(deselect with `-m "not qemu"`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

BUILD_TIMEOUT = 600


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=BUILD_TIMEOUT, **kw)


def _copy_tree(dest: Path) -> None:
    """The distributions' sources without build leftovers (an in-tree build would write
    build/ and *.egg-info into the work tree)."""
    skip = shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "dist")
    shutil.copytree(ROOT / "ilo_aot", dest / "ilo_aot", ignore=skip)
    shutil.copytree(ROOT / "runtime", dest / "runtime", ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", dest)
    readme = ROOT / "README.md"
    if readme.exists():
        shutil.copy(readme, dest)
    else:
        (dest / "README.md").write_text("ilo-aot\n")


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler")
    base = tmp_path_factory.mktemp("wheelhouse")
    wh = base / "wh"
    wh.mkdir()
    from importlib.metadata import version

    wanted = ["setuptools>=68", "wheel", "scikit-build-core>=0.10", f"llvmlite=={version('llvmlite')}"]
    if shutil.which("ninja") is None:
        wanted.append("ninja")
    if shutil.which("cmake") is None:
        wanted.append("cmake>=3.18")
    got = _run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wh), *wanted])
    if got.returncode != 0:
        pytest.skip(f"package index unreachable for the build requirements: {got.stderr[-500:]}")
    src = base / "src"
    _copy_tree(src)
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-index",
                  "--find-links", str(wh), "-w", str(wh), str(src / "runtime"), str(src)])
    assert built.returncode == 0, built.stdout + built.stderr
    return wh


def _demo_copy(name: str, dest: Path) -> Path:
    out = dest / name
    shutil.copytree(EXAMPLES / name, out, ignore=shutil.ignore_patterns("build", "dist",
                                                                         "*.egg-info"))
    return out


def _pip_wheel(wh: Path, project: Path, out: Path, cache: Path, log: Path):  # type: ignore[no-untyped-def]
    env = dict(os.environ, ILO_AOT_CACHE=str(cache), ILO_AOT_BUILD_LOG=str(log))
    env.pop("PYTHONPATH", None)  # the build environment must get ilo-aot from the wheelhouse
    cmd = [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-index",
           "--find-links", str(wh), "-w", str(out), str(project)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)


def _finish(proc) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    out, _ = proc.communicate(timeout=BUILD_TIMEOUT)
    return proc.returncode, out


def _events(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def builds(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two setuptools-demo builds at once on a cold cache, then the scikit-build demo; then a
    fresh venv with both wheels and nothing of ilo-aot."""
    base = tmp_path_factory.mktemp("builds")
    cache, log = base / "cache", base / "build.log"
    projects = [_demo_copy("setuptools-demo", base / f"p{i}") for i in range(2)]
    procs = [_pip_wheel(wheelhouse, p, base / f"dist{i}", cache, log)
             for i, p in enumerate(projects)]
    results = [_finish(p) for p in procs]
    for code, out in results:
        assert code == 0, out[-4000:]
    concurrent_events = _events(log)
    sk = _demo_copy("scikit-build-demo", base / "sk")
    code, out = _finish(_pip_wheel(wheelhouse, sk, base / "dist-sk", cache, log))
    assert code == 0, out[-4000:]
    wheels = sorted((base / "dist0").glob("geodemo-*.whl")) + sorted(
        (base / "dist-sk").glob("skdemo-*.whl"))
    assert len(wheels) == 2, wheels

    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # Without PYTHONPATH: a source tree on it would make pip think ilo-runtime is installed.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    inst = _run([str(py), "-m", "pip", "install", "-q", "--no-index", "--find-links",
                 str(wheelhouse), *map(str, wheels)], env=clean)
    assert inst.returncode == 0, inst.stdout + inst.stderr
    return {"base": base, "cache": cache, "log": log, "python": py, "wheels": wheels,
            "concurrent_events": concurrent_events,
            # Either of the two concurrent cold builds may be the one that compiles (the other
            # can then hit the entry the first stored), so keep both outputs.
            "setuptools_outputs": [out for _, out in results],
            "skbuild_output": out}


def _venv_run(builds: dict, code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ILO_AOT_CACHE")}
    return _run([str(builds["python"]), "-c", code], env=env, cwd=str(builds["base"]))


def test_wheels_are_abi3_with_stub_and_no_compiler_dependency(builds: dict) -> None:
    import zipfile

    for wheel in builds["wheels"]:
        assert "-cp310-abi3-" in wheel.name, wheel.name
        names = zipfile.ZipFile(wheel).namelist()
        pkg = wheel.name.split("-")[0]
        assert f"{pkg}/kernels.abi3.so" in names and f"{pkg}/kernels.pyi" in names
        meta = next(n for n in names if n.endswith("METADATA"))
        text = zipfile.ZipFile(wheel).read(meta).decode()
        requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
        assert requires == ["Requires-Dist: ilo-runtime"], requires
    r = _venv_run(builds, "import importlib.util as u; print(u.find_spec('ilo_aot'), "
                          "u.find_spec('llvmlite'))")
    assert r.stdout.strip() == "None None", r.stdout + r.stderr


def test_installed_demos_native_fallback_and_equal_results(builds: dict) -> None:
    r = _venv_run(builds, (ROOT / "wheels" / "check_demo.py").read_text())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "geodemo, skdemo OK" in r.stdout


def test_installed_results_equal_fallback_tier_of_the_source(builds: dict) -> None:
    """Native results from the installed wheel == `ilo_aot.load(engine="interp")` here."""
    import ilo_aot

    args = [(1, 2, 3), (0.1, 0.2, 0.3), (-0.0, 0.0, -0.0), (1e308, 1e308, -1e308)]
    code = ("import json, geodemo.kernels as k\n"
            f"print(json.dumps([repr(k.tot(*a)) for a in {args!r}] + "
            "[repr(k.fib(n)) for n in range(15)] + [repr(k.hyp(3e200, 4e200))]))")
    r = _venv_run(builds, code)
    assert r.returncode == 0, r.stderr
    ref = ilo_aot.load(EXAMPLES / "setuptools-demo" / "src" / "geodemo" / "kernels.ilo",
                       engine="interp")
    want = [repr(ref.tot(*a)) for a in args] + [repr(ref.fib(n)) for n in range(15)]
    want.append(repr(ref.hyp(3e200, 4e200)))
    assert json.loads(r.stdout) == want


def test_concurrent_cold_builds_share_the_cache(builds: dict) -> None:
    from ilo_aot.cache import _decode

    events = builds["concurrent_events"]
    assert len(events) == 2 and {e["module"] for e in events} == {"geodemo.kernels"}
    entries = list((builds["cache"]).rglob("*.entry"))
    assert entries and all(_decode(p.read_bytes()) is not None for p in entries)
    assert not list(builds["cache"].rglob(".tmp-*"))


def test_warm_cache_build_compiles_nothing(builds: dict, wheelhouse: Path, tmp_path: Path) -> None:
    log = tmp_path / "warm.log"
    project = _demo_copy("setuptools-demo", tmp_path)
    code, out = _finish(_pip_wheel(wheelhouse, project, tmp_path / "dist", builds["cache"], log))
    assert code == 0, out[-4000:]
    assert [e["event"] for e in _events(log)] == ["hit"]
    assert "from the compile cache" in out
    # Nothing was compiled: no shim compile or native code generation in the build output.
    assert "kernels_shim.c" not in out
    assert "compiling" not in out.split("ilo-aot: building geodemo.kernels")[1].split(
        "installing to")[0].lower()
    assert any("geodemo.kernels: 7 native, 4 fallback-tier function(s), compiled" in out
               for out in builds["setuptools_outputs"])


def _backend_output(out: str) -> list[str]:
    """The build backend's own lines (pip -v indents them), up to pip's error report."""
    head = out.split("error: subprocess-exited-with-error")[0]
    return [line.strip() for line in head.splitlines() if line.strip()]


def test_type_error_fails_the_build_with_the_diagnostic_last(wheelhouse: Path,
                                                             tmp_path: Path) -> None:
    from ilo_aot.frontend.ast import SourceFile
    from ilo_aot.pipeline import check

    project = _demo_copy("setuptools-demo", tmp_path)
    rel = "src/geodemo/kernels.ilo"
    text = (project / rel).read_text() + 'broken x:n>n;+x "text"\n'
    (project / rel).write_text(text)
    code, out = _finish(_pip_wheel(wheelhouse, project, tmp_path / "dist", tmp_path / "c",
                                   tmp_path / "log"))
    assert code != 0
    diag = "\n".join(d.to_text(with_path=True) for d in check(SourceFile(rel, text)).errors)
    want = [line.strip() for line in diag.splitlines() if line.strip()]
    assert want[0].startswith("error[ILO-T009]") and f"--> {rel}:16:" in diag
    assert _backend_output(out)[-len(want):] == want
    assert "Traceback" not in out


def test_missing_module_path_is_named(wheelhouse: Path, tmp_path: Path) -> None:
    project = _demo_copy("setuptools-demo", tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("src/geodemo/kernels.ilo",
                                                       "src/geodemo/nope.ilo"))
    code, out = _finish(_pip_wheel(wheelhouse, project, tmp_path / "dist", tmp_path / "c",
                                   tmp_path / "log"))
    assert code != 0
    assert _backend_output(out)[-1] == (
        "ilo-aot: ilo module not found: src/geodemo/nope.ilo "
        "(listed in pyproject.toml [tool.ilo-aot] modules)"
    )
    assert "Traceback" not in out


def test_scikit_build_used_the_cmake_package(builds: dict) -> None:
    out = builds["skbuild_output"]
    assert "ilo-aot: compiling src/skdemo/kernels.ilo" in out
    assert "skdemo.kernels: 6 native, 3 fallback" in out
    r = _venv_run(builds, "import skdemo.kernels as k, inspect; "
                          "print(type(k.grow).__name__, inspect.signature(k.grow), k.sgn(-2))")
    assert r.stdout.split() == ["builtin_function_or_method", "(p,", "r,", "yrs)", "-1.0"]


@pytest.mark.qemu
def test_aarch64_wheel_built_on_x86_64_runs_under_qemu(wheelhouse: Path, tmp_path: Path) -> None:
    import platform

    if sys.platform != "linux" or platform.machine() != "x86_64":
        pytest.skip("the cross build runs on x86_64 Linux hosts")
    env = dict(os.environ, WHEELHOUSE=str(wheelhouse), PIP_NO_INDEX="1",
               ILO_AOT_CACHE=str(tmp_path / "cache"))
    env.pop("PYTHONPATH", None)
    r = _run(["bash", str(ROOT / "wheels" / "cross-build-aarch64.sh"), str(tmp_path / "out")],
             env=env)
    if r.returncode == 77:
        pytest.skip(f"cross tools or arm64 python unavailable: {r.stderr.strip()[-300:]}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert list((tmp_path / "out").glob("geodemo-0.1.0-cp310-abi3-linux_aarch64.whl"))
    assert "geodemo OK on aarch64" in r.stdout


ARM64_CHECK = """
import kernels as k
fb = k.__ilo_fallback__
cases = [("tot", (1, 2.5, 3)), ("hyp", (3, 4)), ("fac", (10,)), ("fib", (20,)),
         ("clip", (-0.5, 0, 10)), ("ratio", (1, 3)), ("is_even", (7,))]
for name, args in cases:
    got, want = getattr(k, name)(*args), getattr(fb, name)(*args)
    assert got == want and type(got) is type(want), (name, got, want)
assert type(k.tot).__name__ == "builtin_function_or_method"
try:
    k.fac(1e9)
except Exception as e:
    assert e.code == "ILO-R010", e
print("arm64 backend OK")
"""


@pytest.mark.qemu
def test_raw_arm64_backend_module_runs_under_qemu(tmp_path: Path) -> None:
    """The AArch64 emitter's ELF object, linked by the cross gcc, under qemu (needs the arm64
    python unpacked by the cross-build test or script)."""
    from ilo_aot.aot import BuildOptions, build_module
    from ilo_aot.aot.toolchain import CcToolchain

    root = Path(os.environ.get("ARM64_ROOT", Path.home() / ".cache/ilo-aot/arm64-root"))
    cc, qemu = shutil.which("aarch64-linux-gnu-gcc"), shutil.which("qemu-aarch64")
    if cc is None or qemu is None or not (root / "usr/bin/python3.11").exists():
        pytest.skip("cross tools or the arm64 python (wheels/cross-build-aarch64.sh) missing")
    r = build_module(
        str(EXAMPLES / "setuptools-demo" / "src" / "geodemo" / "kernels.ilo"),
        str(tmp_path / "kernels.abi3.so"), module_name="kernels",
        options=BuildOptions(backend="arm64", target="aarch64-unknown-linux-gnu"),
        toolchain=CcToolchain(cc=[cc], platform="linux"), use_cache=False,
    )
    assert len(r.native) == 7
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT / 'runtime'}",
               PYTHONDONTWRITEBYTECODE="1")
    run = _run([qemu, "-L", str(root), str(root / "usr/bin/python3.11"), "-c", ARM64_CHECK],
               env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "arm64 backend OK" in run.stdout
