# Run by the compile_fail.<stem> tests (see ctnnCompileFail.cmake):
#   cmake -D BUILD_DIR=... -D TARGET=... -D CONFIG=... -D SOURCE=<snippet.cpp> -P <this file>
# Passes when building TARGET fails and the output contains every `// expect:` text.
foreach(_var BUILD_DIR TARGET SOURCE)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "ctnnCompileFailCheck.cmake: ${_var} is not set")
  endif()
endforeach()

file(STRINGS "${SOURCE}" _lines REGEX "^[ \t]*//[ \t]*expect:")
set(_expected "")
foreach(_line IN LISTS _lines)
  string(REGEX REPLACE "^[ \t]*//[ \t]*expect:[ \t]*" "" _text "${_line}")
  string(STRIP "${_text}" _text)
  if(_text STREQUAL "")
    message(FATAL_ERROR "${SOURCE}: empty `// expect:` line")
  endif()
  list(APPEND _expected "${_text}")
endforeach()
if(NOT _expected)
  message(FATAL_ERROR "${SOURCE}: no `// expect: <text>` line; the first line of a "
                      "compile-fail snippet must say what the compiler has to report")
endif()

set(_config_args "")
if(CONFIG)
  set(_config_args --config "${CONFIG}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${TARGET}" ${_config_args}
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)

# message() without a mode prints the build output verbatim (FATAL_ERROR would re-wrap it).
if(_rc EQUAL 0)
  message("${_out}")
  message(FATAL_ERROR "${SOURCE} compiled, but it must fail to compile with: ${_expected}")
endif()

set(_missing "")
foreach(_text IN LISTS _expected)
  string(FIND "${_out}" "${_text}" _pos)
  if(_pos EQUAL -1)
    list(APPEND _missing "${_text}")
  endif()
endforeach()
if(_missing)
  message("${_out}")
  message(FATAL_ERROR "${SOURCE} failed to compile (output above), but the output lacks "
                      "the expected text: ${_missing}")
endif()

message(STATUS "${SOURCE} failed to compile as expected (found: ${_expected})")
