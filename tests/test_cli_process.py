"""The `ilo` command as a real process: entry point, stack thread, streams, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT


def ilo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'runtime'}"}
    return subprocess.run([sys.executable, "-m", "ilo_aot", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, timeout=120)


def test_runs_a_file_and_prints_the_result():
    res = ilo("examples/num-fib.ilo", "fib-rec", "15")
    assert (res.returncode, res.stdout) == (0, "610\n")


def test_help_and_version():
    res = ilo("--help")
    assert res.returncode == 0 and "usage: ilo FILE|CODE" in res.stdout and "--engine" in res.stdout
    assert ilo("--version").stdout.startswith("ilo ")


def test_deep_recursion_works_then_stops_cleanly():
    src = "f n:n>n;<n 1 0;+1 f -n 1"
    assert ilo(src, "9000").stdout == "9000\n"
    res = ilo(src, "20000")
    assert res.returncode == 1 and res.stdout == ""
    diag = json.loads(res.stderr.splitlines()[0])
    assert diag["code"] == "ILO-R010" and diag["message"].startswith("recursion depth exceeded")


def test_output_before_a_runtime_error_stays_and_the_error_goes_to_stderr():
    res = ilo("f x:n>n;prnt x;/x 0", "4")
    assert res.returncode == 1
    assert res.stdout == "4\n"
    diag = json.loads(res.stderr)
    assert (diag["code"], diag["message"]) == ("ILO-R003", "division by zero")
    assert diag["notes"] == ["called from 'f'"]


def test_err_result_goes_to_stderr_with_exit_1():
    res = ilo('f>R n t;^"nope"')
    assert (res.returncode, res.stdout, res.stderr) == (1, "", "^nope\n")


def test_text_diagnostics_on_request():
    res = ilo("--text", "f x:n>n;+x \"a\"", "1")
    assert res.returncode == 1
    assert res.stderr.startswith("error[ILO-T009]:") and "--> 1:9" in res.stderr
