# Header-only dependencies without a CMake package of their own, as imported targets:
#   ctnn::stb    include dir that holds stb/stb_image_write.h  (code: #include <stb/...>)
#   ctnn::cblas  include dir that holds OpenBLAS's cblas.h
# Used by the top-level CMakeLists.txt and, installed next to it, by ctnnConfig.cmake, so
# the build tree and an installed package find them the same way.
#
# ctnn_find_header_deps(<found_var>) sets <found_var> to TRUE/FALSE; on failure
# CTNN_HEADER_DEPS_MESSAGE says what is missing.

function(ctnn_find_header_deps found_var)
  set(missing "")

  find_path(CTNN_STB_INCLUDE_DIR NAMES stb/stb_image_write.h
            DOC "Directory containing stb/stb_image_write.h (Debian: libstb-dev)")
  if(CTNN_STB_INCLUDE_DIR)
    if(NOT TARGET ctnn::stb)
      add_library(ctnn::stb INTERFACE IMPORTED)
      set_target_properties(ctnn::stb PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${CTNN_STB_INCLUDE_DIR}")
    endif()
  else()
    list(APPEND missing "stb/stb_image_write.h (Debian: libstb-dev; or set CTNN_STB_INCLUDE_DIR)")
  endif()

  find_path(CTNN_CBLAS_INCLUDE_DIR NAMES cblas.h
            PATH_SUFFIXES openblas openblas-pthread openblas-openmp openblas-serial
            DOC "Directory containing OpenBLAS's cblas.h (Debian: libopenblas-dev)")
  if(CTNN_CBLAS_INCLUDE_DIR)
    if(NOT TARGET ctnn::cblas)
      add_library(ctnn::cblas INTERFACE IMPORTED)
      set_target_properties(ctnn::cblas PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${CTNN_CBLAS_INCLUDE_DIR}")
    endif()
  else()
    list(APPEND missing "cblas.h (Debian: libopenblas-dev; or set CTNN_CBLAS_INCLUDE_DIR)")
  endif()

  if(missing)
    list(JOIN missing ", " missing)
    set(CTNN_HEADER_DEPS_MESSAGE "not found: ${missing}" PARENT_SCOPE)
    set(${found_var} FALSE PARENT_SCOPE)
  else()
    set(${found_var} TRUE PARENT_SCOPE)
  endif()
endfunction()
