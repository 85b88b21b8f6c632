// lenet5 --arch classic under mpirun: the data-parallel pieces (ranks_impl.hpp) for cpu::Blas, in a
// unit of their own (CTNN_WITH_MPI builds; empty otherwise).
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>

#if defined(CTNN_WITH_MPI)
#include "ranks_impl.hpp"

namespace lenet5 {

template class Ranks<ctnn::models::LeNet5, ctnn::cpu::Blas>;
template int follow<ctnn::models::LeNet5, ctnn::cpu::Blas>(const Config&, ctnn::dist::Communicator&);

}  // namespace lenet5
#endif
