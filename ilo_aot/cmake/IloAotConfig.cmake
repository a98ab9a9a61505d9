# IloAot: build ilo modules into CPython extension modules (abi3) from CMake.
#
#   find_package(IloAot CONFIG REQUIRED)
#   ilo_add_module(kernels src/pkg/kernels.ilo NAME pkg.kernels DESTINATION pkg)
#
# ilo_add_module(<target> <source.ilo>
#                [NAME <import.name>]      import name (default: <target>)
#                [DESTINATION <dir>]       install the module and its .pyi stub there
#                [BACKEND llvm|arm64] [OPT_LEVEL 0..3] [TARGET <triple>] [NO_NATIVE])
#
# The ilo compiler runs at build time (`python -m ilo_aot.tool_cli sources`, through the
# compile cache) and writes the C shim, the native object and the stub; the C shim is compiled
# and linked here with the project's compiler. Cache variables: ILO_AOT_PYTHON (interpreter
# with ilo-aot), ILO_AOT_BACKEND, ILO_AOT_OPT_LEVEL, ILO_AOT_TARGET (empty: derived from the
# CMake target platform, else the host).

include_guard(GLOBAL)
set(IloAot_VERSION "0.1.0")

if(NOT ILO_AOT_PYTHON)
  if(Python_EXECUTABLE)
    set(_ilo_python "${Python_EXECUTABLE}")
  elseif(Python3_EXECUTABLE)
    set(_ilo_python "${Python3_EXECUTABLE}")
  else()
    find_package(Python COMPONENTS Interpreter REQUIRED)
    set(_ilo_python "${Python_EXECUTABLE}")
  endif()
  set(ILO_AOT_PYTHON "${_ilo_python}" CACHE FILEPATH "Python interpreter that has ilo-aot")
endif()
set(ILO_AOT_BACKEND "llvm" CACHE STRING "ilo-aot native backend (llvm or arm64)")
set(ILO_AOT_OPT_LEVEL "2" CACHE STRING "ilo-aot optimisation level (0..3)")
set(ILO_AOT_TARGET "" CACHE STRING "ilo-aot target triple (empty: the CMake target platform)")

if(NOT TARGET Python::Module)
  find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
endif()

# The LLVM triple for the platform CMake builds for ("" = the host).
function(_ilo_target_triple out)
  set(triple "${ILO_AOT_TARGET}")
  if(NOT triple AND APPLE AND CMAKE_OSX_ARCHITECTURES)
    list(LENGTH CMAKE_OSX_ARCHITECTURES n)
    if(n GREATER 1)
      message(FATAL_ERROR "ilo-aot: build one macOS architecture at a time "
                          "(CMAKE_OSX_ARCHITECTURES=${CMAKE_OSX_ARCHITECTURES})")
    endif()
    set(min "${CMAKE_OSX_DEPLOYMENT_TARGET}")
    if(NOT min)
      set(min "11.0")
    endif()
    set(triple "${CMAKE_OSX_ARCHITECTURES}-apple-macosx${min}")
  elseif(NOT triple AND CMAKE_CROSSCOMPILING)
    string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" cpu)
    if(cpu STREQUAL "arm64")
      set(cpu "aarch64")
    endif()
    if(WIN32)
      set(triple "${cpu}-pc-windows-msvc")
    elseif(APPLE)
      set(triple "${cpu}-apple-macosx11.0")
    else()
      set(triple "${cpu}-unknown-linux-gnu")
    endif()
  endif()
  set(${out} "${triple}" PARENT_SCOPE)
endfunction()

function(ilo_add_module target source)
  cmake_parse_arguments(ARG "NO_NATIVE" "NAME;DESTINATION;BACKEND;OPT_LEVEL;TARGET" "" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ilo_add_module: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(src "${source}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${src}")
    message(FATAL_ERROR "ilo_add_module: ilo module not found: ${source}")
  endif()
  if(ARG_NAME)
    set(name "${ARG_NAME}")
  else()
    set(name "${target}")
  endif()
  string(REGEX REPLACE "^.*\\." "" short "${name}")
  set(backend "${ILO_AOT_BACKEND}")
  if(ARG_BACKEND)
    set(backend "${ARG_BACKEND}")
  endif()
  set(opt "${ILO_AOT_OPT_LEVEL}")
  if(ARG_OPT_LEVEL)
    set(opt "${ARG_OPT_LEVEL}")
  endif()
  if(ARG_TARGET)
    set(triple "${ARG_TARGET}")
  else()
    _ilo_target_triple(triple)
  endif()
  if(WIN32)
    set(objsuffix ".obj")
  else()
    set(objsuffix ".o")
  endif()
  set(outdir "${CMAKE_CURRENT_BINARY_DIR}/ilo_aot/${target}")
  set(shim "${outdir}/${short}_shim.c")
  set(obj "${outdir}/${short}_native${objsuffix}")
  set(stub "${outdir}/${short}.pyi")
  # A path relative to the source folder: diagnostics and error locations stay readable and
  # free of build-machine paths.
  file(RELATIVE_PATH relsrc "${CMAKE_CURRENT_SOURCE_DIR}" "${src}")
  set(cmd "${ILO_AOT_PYTHON}" -m ilo_aot.tool_cli sources "${relsrc}"
          --shim "${shim}" --object "${obj}" --stub "${stub}"
          --name "${name}" --backend "${backend}" --opt "${opt}")
  if(triple)
    list(APPEND cmd --target "${triple}")
  endif()
  if(ARG_NO_NATIVE)
    list(APPEND cmd --no-native)
  endif()
  # Imported files (`use "..."`) are dependencies too: every .ilo beside the module.
  get_filename_component(srcdir "${src}" DIRECTORY)
  file(GLOB_RECURSE deps CONFIGURE_DEPENDS "${srcdir}/*.ilo")
  add_custom_command(
    OUTPUT "${shim}" "${obj}" "${stub}"
    COMMAND ${cmd}
    DEPENDS "${src}" ${deps}
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    COMMENT "ilo-aot: compiling ${source}"
    VERBATIM)
  set_source_files_properties("${obj}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)

  if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.26 AND TARGET Python::SABIModule)
    Python_add_library(${target} MODULE USE_SABI 3.10 WITH_SOABI "${shim}" "${obj}")
  else()
    add_library(${target} MODULE "${shim}" "${obj}")
    target_link_libraries(${target} PRIVATE Python::Module)
    set_target_properties(${target} PROPERTIES PREFIX "")
    if(WIN32)
      set_target_properties(${target} PROPERTIES SUFFIX ".pyd")
    else()
      set_target_properties(${target} PROPERTIES SUFFIX ".abi3.so")
    endif()
  endif()
  set_target_properties(${target} PROPERTIES OUTPUT_NAME "${short}" C_VISIBILITY_PRESET hidden)
  target_compile_definitions(${target} PRIVATE Py_LIMITED_API=0x030A0000)
  if(UNIX AND NOT APPLE)
    target_link_libraries(${target} PRIVATE m)
  endif()
  set_property(TARGET ${target} PROPERTY ILO_AOT_STUB "${stub}")
  if(ARG_DESTINATION)
    install(TARGETS ${target} LIBRARY DESTINATION "${ARG_DESTINATION}"
                              RUNTIME DESTINATION "${ARG_DESTINATION}")
    install(FILES "${stub}" DESTINATION "${ARG_DESTINATION}")
  endif()
endfunction()
