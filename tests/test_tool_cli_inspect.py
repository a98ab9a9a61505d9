"""`ilo-aot check` and `ilo-aot show` (ilo_aot/inspect_cmd.py), in-process and as a subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

SOURCE = """\
tot p:n q:n r:n>n;s=*p q;t=*s r;+s t
greet name:t>t;+"hi " name
get-sq x:n>n;*x x
twice x:n>n;+(get-sq x) (get-sq x)
loud x:n>n;prnt x;x
caller x:n>n;+1 (loud x)
"""


def _cli(*args: str) -> tuple[int, str, str]:
    from ilo_aot.tool_cli import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def kernels(tmp_path: Path) -> str:
    path = tmp_path / "kernels.ilo"
    path.write_text(SOURCE, encoding="utf-8")
    return str(path)


def test_check_lists_each_function_with_tier_and_reason(kernels: str) -> None:
    code, out, err = _cli("check", kernels)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["tot", "native", "(n", "n", "n", "->", "n)"]
    assert lines[1].split()[:2] == ["greet", "fallback"]
    assert "line 2: parameter `name` has type t, not supported natively" in lines[1]
    assert lines[2].split() == ["get-sq", "native", "(n", "->", "n)"]
    assert lines[3].split()[:2] == ["twice", "native"]
    assert lines[4].split()[:2] == ["loud", "fallback"]
    assert lines[4].endswith("line 5: builtin `prnt` is not supported natively")
    assert lines[5].split()[:2] == ["caller", "fallback"]
    assert "calls `loud`, which is not native (line 5: builtin `prnt`" in lines[5]
    assert lines[-1] == "6 functions: 3 native, 3 fallback"
    # the tier column lines up
    assert len({line.index("native") if "native " in line[:20] else line.index("fallback")
                for line in lines[:-1]}) == 1


def test_check_marks_imported_functions() -> None:
    code, out, _ = _cli("check", str(EXAMPLES / "lang-use.ilo"))
    assert code == 0
    area = next(line for line in out.splitlines() if line.startswith("area "))
    assert "fallback" in area and "type rect" in area and "[from " in area
    assert "lang-use-geom.ilo]" in area
    own = next(line for line in out.splitlines() if line.startswith("double-perim "))
    assert "native" in own and "[from" not in own


def test_check_reports_diagnostics_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ilo"
    bad.write_text('ok x:n>n;x\nbad x:n>n;+x "a"\n', encoding="utf-8")
    code, out, err = _cli("check", str(bad))
    assert code == 1 and out == ""
    assert err.startswith("error[ILO-T009]")
    assert f"{bad}:2:11" in err and "^^^" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "MISSING"], "ilo module not found"),
        (["show", "MISSING", "f"], "ilo module not found"),
    ],
)
def test_missing_file_is_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / "nope.ilo") if a == "MISSING" else a for a in args]
    code, _, err = _cli(*args)
    assert code == 1 and message in err and len(err.splitlines()) == 1


def test_undecodable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bin.ilo"
    bad.write_bytes(b"\xff\xfe\x00")
    code, _, err = _cli("check", str(bad))
    assert code == 1 and "cannot read ilo module" in err


def test_show_ir_default(kernels: str) -> None:
    code, out, err = _cli("show", kernels, "tot")
    assert code == 0, err
    assert out.startswith("fn tot(%0:f64, %1:f64, %2:f64) -> f64")
    assert "fmul %0, %1" in out and "fadd" in out and "ret " in out


def test_show_ir_includes_callees_and_python_spelling(kernels: str) -> None:
    code, out, _ = _cli("show", kernels, "twice", "--ir")
    assert code == 0
    assert "fn get-sq(" in out and "fn twice(" in out
    code2, out2, _ = _cli("show", kernels, "get_sq")  # Python spelling of get-sq
    assert code2 == 0 and out2.startswith("fn get-sq(")


def test_show_llvm(kernels: str) -> None:
    code, out, err = _cli("show", kernels, "tot", "--llvm")
    assert code == 0, err
    assert "define double @ilo_tot(" in out
    assert "fmul double" in out and "fadd double" in out
    assert "fmuladd" not in out and "contract" not in out  # no FMA contraction


def test_show_asm_host_and_cross(kernels: str) -> None:
    code, out, err = _cli("show", kernels, "tot", "--asm")
    assert code == 0, err
    assert "ilo_tot:" in out and "ret" in out
    code, out, err = _cli("show", kernels, "tot", "--asm", "--target", "aarch64")
    assert code == 0, err
    assert "ilo_tot:" in out
    assert "fmul\td0, d0, d1" in out and "fadd\td0" in out
    code, out, err = _cli("show", kernels, "tot", "--llvm", "--target", "aarch64")
    assert code == 0, err
    assert 'target triple = "aarch64-unknown-linux-gnu"' in out


def test_show_asm_arm64_backend_listing(kernels: str) -> None:
    code, out, err = _cli("show", kernels, "twice", "--asm", "--backend", "arm64")
    assert code == 0, err
    assert "ilo_twice:" in out and "ilo_get_sq:" in out
    assert "CALL26 ilo_get_sq" in out  # relocated call to the callee
    pytest.importorskip("capstone")
    assert "fmul d" in out and "fadd d" in out and "ret" in out


def test_show_arm64_backend_rejects_other_targets_and_llvm(kernels: str) -> None:
    code, _, err = _cli("show", kernels, "tot", "--asm", "--backend", "arm64", "--target", "x86_64")
    assert code == 1 and "AArch64" in err
    code, _, err = _cli("show", kernels, "tot", "--llvm", "--backend", "arm64")
    assert code == 1 and "--llvm" in err


def test_show_arm64_codegen_limit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nine.ilo"
    path.write_text("f a:n b:n c:n d:n e:n g:n h:n i:n j:n>n;+a j\n", encoding="utf-8")
    code, _, err = _cli("show", str(path), "f", "--asm", "--backend", "arm64")
    assert code == 1 and "the arm64 backend cannot compile `f`" in err


def test_show_fallback_function(kernels: str) -> None:
    code, out, err = _cli("show", kernels, "greet", "--asm")
    assert code == 1 and out == ""
    assert "`greet` is not native: line 2: parameter `name` has type t" in err
    code, out, err = _cli("show", kernels, "greet", "--py")
    assert code == 0, err
    assert out.startswith("def f_greet(v_name):")
    assert "if type(v_name) is str:" in out and "_add('hi ', v_name)" in out
    assert "def f_tot" not in out


def test_show_unknown_function_lists_functions(kernels: str) -> None:
    code, _, err = _cli("show", kernels, "nope", "--llvm")
    assert code == 1
    assert "no function `nope`" in err
    assert "functions: tot, greet, get-sq, twice, loud, caller" in err


def test_show_unknown_target(kernels: str) -> None:
    code, _, err = _cli("show", kernels, "tot", "--asm", "--target", "foo-bar-baz")
    assert code == 1 and "unsupported target triple 'foo-bar-baz'" in err
    assert "Traceback" not in err


def test_help_for_each_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    from ilo_aot.tool_cli import run

    for sub, words in (("check", ["FILE", "native"]), ("show", ["--llvm", "--asm", "--target"])):
        with pytest.raises(SystemExit) as e:
            run([sub, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: ilo-aot {sub}")
        assert all(w in out for w in words)
    with pytest.raises(SystemExit) as e:
        run(["show", "f.ilo", "tot", "--llvm", "--asm"])
    assert e.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_as_subprocess(kernels: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "runtime")])
    cmd = [sys.executable, "-m", "ilo_aot.tool_cli"]
    r = subprocess.run([*cmd, "check", kernels], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "6 functions: 3 native, 3 fallback"
    r = subprocess.run([*cmd, "show", kernels, "get-sq", "--llvm"], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "define double @ilo_get_sq(" in r.stdout
    r = subprocess.run([*cmd, "show", kernels, "missing"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 1 and "no function `missing`" in r.stderr
    assert "Traceback" not in r.stderr
