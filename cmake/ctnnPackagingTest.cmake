# Run by the packaging tests (tests/CMakeLists.txt), label `packaging`:
#   STEP=install  cmake --install BUILD_DIR into a fresh PREFIX      (fixture ctnn_installed)
#   STEP=consume  configure + build + ctest SOURCE_DIR (tests/cmake_import, or with CUDA_COMPILER
#                 tests/cmake_import_cuda) against PREFIX
function(_ctnn_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  message("${_out}")
  if(NOT _rc EQUAL 0)
    list(JOIN ARGN " " _cmd)
    message(FATAL_ERROR "command failed (${_rc}): ${_cmd}")
  endif()
endfunction()

set(_config_args "")
if(CONFIG)
  set(_config_args --config "${CONFIG}")
endif()

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")  # no stale headers from an earlier install
  _ctnn_run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${_config_args})
elseif(STEP STREQUAL "consume")
  set(_build_type "${CONFIG}")
  if(NOT _build_type)
    set(_build_type Release)
  endif()
  set(_configure_args -S "${SOURCE_DIR}" -B "${CONSUMER_BUILD_DIR}" -G "${GENERATOR}"
      "-DCMAKE_BUILD_TYPE=${_build_type}"
      "-DCMAKE_PREFIX_PATH=${PREFIX}"
      "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"
      "-DCTNN_EXPECTED_PREFIX=${PREFIX}")
  if(GENERATOR_PLATFORM)
    list(APPEND _configure_args -A "${GENERATOR_PLATFORM}")
  endif()
  if(MAKE_PROGRAM)
    list(APPEND _configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  if(CXX_COMPILER)
    list(APPEND _configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
  endif()
  if(CUDA_COMPILER)
    list(APPEND _configure_args "-DCMAKE_CUDA_COMPILER=${CUDA_COMPILER}"
         "-DCMAKE_CUDA_HOST_COMPILER=${CXX_COMPILER}")
  endif()
  if(CUDA_ARCHITECTURES)
    list(APPEND _configure_args "-DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHITECTURES}")
  endif()
  file(REMOVE_RECURSE "${CONSUMER_BUILD_DIR}")
  _ctnn_run("${CMAKE_COMMAND}" ${_configure_args})
  _ctnn_run("${CMAKE_COMMAND}" --build "${CONSUMER_BUILD_DIR}" ${_config_args})
  _ctnn_run("${CMAKE_CTEST_COMMAND}" --test-dir "${CONSUMER_BUILD_DIR}" -C "${_build_type}"
            --output-on-failure --no-tests=error)
else()
  message(FATAL_ERROR "ctnnPackagingTest.cmake: STEP must be install or consume, got '${STEP}'")
endif()
