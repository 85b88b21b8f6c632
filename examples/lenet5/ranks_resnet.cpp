// lenet5 --arch resnet under mpirun: the data-parallel pieces (ranks_impl.hpp) for cpu::Blas, in a
// unit of their own (CTNN_WITH_MPI builds; empty otherwise).
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/resnet.hpp>

#if defined(CTNN_WITH_MPI)
#include "ranks_impl.hpp"

namespace lenet5 {

template class Ranks<ctnn::models::ResNet28, ctnn::cpu::Blas>;
template int follow<ctnn::models::ResNet28, ctnn::cpu::Blas>(const Config&, ctnn::dist::Communicator&);

}  // namespace lenet5
#endif
