# ctnn_target_warnings(<target> [WERROR])
# Warnings for every target ctnn builds itself (tests, examples, bench, compile-fail
# snippets). Tests pass WERROR so the headers stay warning-free; CTNN_WERROR=OFF turns
# that off locally (e.g. with a newer compiler that has new warnings).
option(CTNN_WERROR "Treat warnings as errors in ctnn's tests" ON)

function(ctnn_target_warnings target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "WERROR" "" "")
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(arg_WERROR AND CTNN_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(arg_WERROR AND CTNN_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
