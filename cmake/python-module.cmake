# The Python extension module remotemedia._core (nanobind), built by `pip install .` through
# scikit-build-core (pyproject.toml turns RM_PYTHON_MODULE on, and builds only this target).
#
# It links the same core, nodes and Python layer as the CLI; the Python layer's sources are
# compiled a second time here because an extension must not link libpython (the interpreter that
# loads it provides the symbols) and builds against the numpy of the wheel's build environment.
option(RM_PYTHON_MODULE "Build the Python extension module remotemedia._core (nanobind)" OFF)
if(NOT RM_PYTHON_MODULE)
  return()
endif()

find_package(Python 3.11 REQUIRED COMPONENTS Interpreter Development.Module)
# Asked of the build environment's Python on every configure: a reused build folder must not keep
# paths into an earlier (deleted) isolated build environment.
execute_process(COMMAND ${Python_EXECUTABLE} -m nanobind --cmake_dir
                OUTPUT_VARIABLE nanobind_ROOT OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${Python_EXECUTABLE} -c "import numpy; print(numpy.get_include())"
                OUTPUT_VARIABLE RM_NUMPY_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
find_package(nanobind CONFIG REQUIRED)

add_library(remotemedia_python_module_objects OBJECT
  src/python/interpreter.cpp
  src/python/marshal.cpp
  src/python/python_node.cpp)
target_link_libraries(remotemedia_python_module_objects PUBLIC remotemedia_core)
# numpy first: Debian links its own (1.x) numpy headers into /usr/include/python3.11/numpy.
target_include_directories(remotemedia_python_module_objects SYSTEM PUBLIC ${RM_NUMPY_INCLUDE} ${Python_INCLUDE_DIRS})
target_compile_definitions(remotemedia_python_module_objects PRIVATE RM_HAVE_NUMPY)

nanobind_add_module(_core NB_STATIC NOMINSIZE src/python/module.cpp)
set_target_properties(nanobind-static PROPERTIES SYSTEM ON)  # our warning flags are not for its headers
target_link_libraries(_core PRIVATE remotemedia_python_module_objects remotemedia_nodes remotemedia_audio
                      remotemedia_package)  # Pipeline.pack: the CLI's packer
if(RM_WHISPER)
  target_link_libraries(_core PRIVATE remotemedia_whisper)
endif()
# nanobind throws; the rest of the code base stays -fno-exceptions. Source options come after the
# target's (rm_flags' -fno-exceptions), so this one wins for module.cpp alone.
set_source_files_properties(src/python/module.cpp TARGET_DIRECTORY _core PROPERTIES COMPILE_OPTIONS "-fexceptions")
install(TARGETS _core LIBRARY DESTINATION remotemedia COMPONENT python)
