#!/usr/bin/env bash
# The main job on a fresh machine: install ilo-aot into .venv, build the example package
# examples/setuptools-demo with a real isolated `pip install` (its build requirements come from a
# local wheelhouse of ilo-aot and ilo-runtime built from this tree), then import it and call its
# native and fallback kernels; also run an ilo program from the command line.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ./runtime -e ".[test]"

echo "== building wheels of ilo-runtime and ilo-aot into .demo/wheelhouse"
rm -rf .demo && mkdir -p .demo/wheelhouse
python -m pip wheel -q --no-deps -w .demo/wheelhouse ./runtime .

echo "== pip install examples/setuptools-demo (isolated build, compiles kernels.ilo)"
python -m pip install -q --force-reinstall --no-deps --find-links .demo/wheelhouse ./examples/setuptools-demo

echo "== calling the built extension module"
python - <<'PY'
import geodemo
from geodemo import kernels as k

print("extension module:", k.__file__)
print("tot(10, 20, 30) =", k.tot(10, 20, 30), "   native:", type(k.tot).__name__)
print("fib(25)         =", k.fib(25), "   native:", type(k.fib).__name__)
print("greet('ilo')    =", k.greet("ilo"), "   (fallback tier)")
p, q = k.pt(x=0, y=0), k.pt(x=3, y=4)
print("dist(p, q)      =", k.dist(p, q), "   mid:", k.mid(p, q))
PY

echo "== the ilo command"
ilo examples/num-fib.ilo fib-rec 25
