# Data-parallel training over MPI (include/ctnn/dist/): option CTNN_MPI, ON by default when
# find_package(MPI COMPONENTS CXX) succeeds (Debian: libopenmpi-dev, openmpi-bin). Defines the
# INTERFACE target ctnn::mpi (ctnn::ctnn + MPI::MPI_CXX, CTNN_WITH_MPI), exported as the `mpi`
# component of the package (find_package(ctnn COMPONENTS mpi)). ctnn::ctnn itself never needs MPI:
# only sources that include <ctnn/dist/dist.hpp> link ctnn::mpi.
find_package(MPI QUIET COMPONENTS CXX)
option(CTNN_MPI "Build ctnn's MPI data-parallel component (ctnn::mpi, tests/dist, bench/dist)" ${MPI_CXX_FOUND})

if(CTNN_MPI)
  if(NOT MPI_CXX_FOUND)
    find_package(MPI REQUIRED COMPONENTS CXX)
  endif()
  message(STATUS "ctnn: MPI component on (MPI ${MPI_CXX_VERSION}, ${MPIEXEC_EXECUTABLE})")
  add_library(ctnn_mpi INTERFACE)
  add_library(ctnn::mpi ALIAS ctnn_mpi)
  set_target_properties(ctnn_mpi PROPERTIES EXPORT_NAME mpi)
  target_link_libraries(ctnn_mpi INTERFACE ctnn::ctnn MPI::MPI_CXX)
  target_compile_definitions(ctnn_mpi INTERFACE CTNN_WITH_MPI)
  # How tests/dist and bench/dist start N ranks on one machine (as root, mpirun needs the two
  # OMPI_ALLOW_RUN_AS_ROOT variables; --oversubscribe allows more ranks than cores).
  set(CTNN_MPIEXEC "${MPIEXEC_EXECUTABLE}" CACHE FILEPATH "mpirun used by ctnn's MPI tests")
endif()
