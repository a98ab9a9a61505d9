"""The CMake package of ilo-aot (`find_package(IloAot CONFIG REQUIRED)`).

scikit-build-core adds this folder to `CMAKE_PREFIX_PATH` through the `cmake.prefix` entry
point of ilo-aot; other CMake builds can pass `-DIloAot_DIR=$(python -c "import ilo_aot.cmake,
os; print(os.path.dirname(ilo_aot.cmake.__file__))")`. See IloAotConfig.cmake.
"""
