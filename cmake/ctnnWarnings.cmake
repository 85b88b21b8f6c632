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
    # C++ sources get the flags as they are; CUDA sources (-DCTNN_CUDA=ON) hand them to nvcc's
    # host compiler (the same compiler) with -Xcompiler, less -Wpedantic (nvcc's generated host
    # code is not pedantic-clean).
    set(_flags -Wall -Wextra)
    # GCC 12's middle-end warnings misfire inside libstdc++ at -O2/-O3, which -Werror turns
    # into Release build failures in code that is fine:
    #   -Wrestrict     on `"literal" + std::string`            (GCC bug 105329)
    #   -Warray-bounds, -Wstringop-overread/-overflow in the memcpy/memmove of
    #                  std::vector<std::byte>::insert and std::copy (e.g. GCC bug 107852)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      list(APPEND _flags -Wno-restrict -Wno-array-bounds -Wno-stringop-overread -Wno-stringop-overflow)
    endif()
    if(arg_WERROR AND CTNN_WERROR)
      list(APPEND _flags -Werror)
    endif()
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wpedantic>)
    foreach(_flag IN LISTS _flags)  # one generator expression per flag (no ';' inside one)
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${_flag}>
                                               $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=${_flag}>)
    endforeach()
  endif()
endfunction()
