# The CUDA backend (-DCTNN_CUDA=ON): enables the CUDA language and defines the INTERFACE target
# ctnn::cuda (ctnn::ctnn + CUDA::cudart + CUDA::cublas; C++20, and for CUDA sources
# --extended-lambda --expt-relaxed-constexpr). It defines CTNN_WITH_CUDA for every source of a
# target that links it, C++ and CUDA alike (backend/device.hpp reads it). Sources that use
# cuda::CuBlas are .cu files; the others stay C++, compiled by the C++ compiler.
#
# CMAKE_CUDA_ARCHITECTURES: given by the user, else "native" when a GPU is visible at configure
# time (nvidia-smi lists one), else CTNN_CUDA_DEFAULT_ARCHITECTURES below (SASS for Turing to
# Hopper, PTX of Hopper for newer GPUs: CUDA 13 supports compute capability 7.5 and later).
set(CTNN_CUDA_DEFAULT_ARCHITECTURES "75-real;80-real;86-real;89-real;90" CACHE STRING
    "CUDA architectures ctnn builds for when CMAKE_CUDA_ARCHITECTURES is not given and no GPU is visible")

if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
  find_program(CTNN_NVIDIA_SMI nvidia-smi)
  set(_ctnn_gpu_visible FALSE)
  if(CTNN_NVIDIA_SMI)
    execute_process(COMMAND "${CTNN_NVIDIA_SMI}" -L RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_QUIET)
    if(_rc EQUAL 0 AND _out MATCHES "GPU [0-9]")
      set(_ctnn_gpu_visible TRUE)
    endif()
  endif()
  if(_ctnn_gpu_visible)
    set(CMAKE_CUDA_ARCHITECTURES native)
  else()
    set(CMAKE_CUDA_ARCHITECTURES "${CTNN_CUDA_DEFAULT_ARCHITECTURES}")
  endif()
endif()
# nvcc compiles host code with the C++ compiler of the rest of the build.
if(NOT DEFINED CMAKE_CUDA_HOST_COMPILER AND NOT DEFINED ENV{CUDAHOSTCXX})
  set(CMAKE_CUDA_HOST_COMPILER "${CMAKE_CXX_COMPILER}")
endif()

enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
message(STATUS "ctnn: CUDA backend on (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures "
               "${CMAKE_CUDA_ARCHITECTURES})")

add_library(ctnn_cuda INTERFACE)
add_library(ctnn::cuda ALIAS ctnn_cuda)
set_target_properties(ctnn_cuda PROPERTIES EXPORT_NAME cuda)
target_link_libraries(ctnn_cuda INTERFACE ctnn::ctnn CUDA::cudart CUDA::cublas)
target_compile_definitions(ctnn_cuda INTERFACE CTNN_WITH_CUDA)
# C++20 for CUDA sources. CMake before 3.26 does not know that nvcc 12+ has cuda_std_20: then
# the flag itself (nvcc 13 with GCC 12 as host compiler takes -std=c++20).
if("cuda_std_20" IN_LIST CMAKE_CUDA_COMPILE_FEATURES)
  target_compile_features(ctnn_cuda INTERFACE cuda_std_20)
else()
  target_compile_options(ctnn_cuda INTERFACE $<$<COMPILE_LANGUAGE:CUDA>:-std=c++20>)
endif()
target_compile_options(ctnn_cuda INTERFACE
  $<$<COMPILE_LANGUAGE:CUDA>:--extended-lambda --expt-relaxed-constexpr>)
# The host-side twin of the top-level -fno-trapping-math -fno-math-errno (which reach only C++
# sources): nvcc's host compiler vectorizes the same loops then.
if(CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang)$")
  target_compile_options(ctnn_cuda INTERFACE
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-fno-trapping-math,-fno-math-errno>)
endif()
# `#pragma GCC unroll` in the CPU backend is for the host compiler (nvcc passes it on); nvcc's
# front end would warn that it does not know it (#1675-D).
target_compile_options(ctnn_cuda INTERFACE $<$<COMPILE_LANGUAGE:CUDA>:--diag-suppress=1675>)

# ctnn_target_cuda(<target>): links ctnn::cuda to a target that mixes C++ and CUDA sources (the
# examples lenet5 and gan: one binary, both backends). Its .cu files are compiled by nvcc, its .cpp
# files by the C++ compiler; no source changes language. Compile options the target has as plain
# C++ compiler flags (-march=native) are kept for C++ sources and handed to nvcc's host compiler
# with -Xcompiler for CUDA ones; generator expressions are kept as they are. The options are
# mapped at the end of the directory, so the call may come before or after the ones adding them.
function(ctnn_target_cuda target)
  target_link_libraries(${target} PRIVATE ctnn::cuda)
  # (A deferred call's arguments are expanded when it runs: expand ${target} now.)
  cmake_language(EVAL CODE "cmake_language(DEFER CALL _ctnn_cuda_host_options [[${target}]])")
endfunction()

function(_ctnn_cuda_host_options target)
  get_target_property(_options ${target} COMPILE_OPTIONS)
  if(NOT _options)
    return()
  endif()
  set(_mapped "")
  foreach(_option IN LISTS _options)
    if(_option MATCHES "^-" AND NOT _option MATCHES "[$<>]")
      list(APPEND _mapped "$<$<COMPILE_LANGUAGE:CXX>:${_option}>" "$<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=${_option}>")
    else()
      list(APPEND _mapped "${_option}")
    endif()
  endforeach()
  set_target_properties(${target} PROPERTIES COMPILE_OPTIONS "${_mapped}")
endfunction()
