# ctnn_add_compile_fail_test(<snippet.cpp>)
#
# A compile-fail test: the snippet must NOT compile, and the compiler output must contain
# the text of each `// expect: <text>` line in it (by convention the first line; a plain,
# case-sensitive substring, usually a fragment of a static_assert message; no ';').
#
# The snippet becomes an EXCLUDE_FROM_ALL object library `ctnn_compile_fail_<stem>` linking
# ctnn::ctnn with the test warning flags, so it is compiled exactly like the unit tests but
# never by a plain build. The CTest test `compile_fail.<stem>` (label compile_fail) builds
# that target with `cmake --build` and passes only if the build fails with the text.
# Builds of the one build tree are serialized (RESOURCE_LOCK), so `ctest -j` is safe.
# Carets/source lines are turned off in diagnostics, so the text must appear in a
# diagnostic itself, not in an echoed line of code.

set(_CTNN_COMPILE_FAIL_CHECK "${CMAKE_CURRENT_LIST_DIR}/ctnnCompileFailCheck.cmake")

function(ctnn_add_compile_fail_test snippet)
  get_filename_component(_src "${snippet}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(_stem "${_src}" NAME_WLE)
  string(MAKE_C_IDENTIFIER "${_stem}" _id)
  set(_target "ctnn_compile_fail_${_id}")

  file(STRINGS "${_src}" _expect REGEX "^[ \t]*//[ \t]*expect:")
  if(NOT _expect)
    message(WARNING "compile-fail snippet ${_src} has no `// expect: <text>` line; "
                    "its test compile_fail.${_stem} will fail until it does.")
  endif()

  add_library(${_target} OBJECT EXCLUDE_FROM_ALL "${_src}")
  target_link_libraries(${_target} PRIVATE ctnn::ctnn)
  ctnn_target_warnings(${_target} WERROR)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${_target} PRIVATE -fno-diagnostics-show-caret -fdiagnostics-color=never)
  elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${_target} PRIVATE -fno-caret-diagnostics -fno-color-diagnostics)
  endif()

  add_test(NAME "compile_fail.${_stem}"
    COMMAND "${CMAKE_COMMAND}"
            -D "BUILD_DIR=${CMAKE_BINARY_DIR}"
            -D "TARGET=${_target}"
            -D "CONFIG=$<CONFIG>"
            -D "SOURCE=${_src}"
            -P "${_CTNN_COMPILE_FAIL_CHECK}")
  set_tests_properties("compile_fail.${_stem}" PROPERTIES
    LABELS compile_fail
    RESOURCE_LOCK ctnn_build_tree)
endfunction()
