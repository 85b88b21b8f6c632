// The checkpoint code (model_io_impl.hpp) of lenet5 --arch relu on the CPU, in a unit of its own.
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>

#include "model_io_impl.hpp"

namespace lenet5 {

using Clf = Trainer<ctnn::models::LeNet5Relu, ctnn::cpu::Blas>;
template ctnn::io::CheckpointInfo load_model<Clf>(Clf&, const std::filesystem::path&, bool);
template void save_model<Clf>(Clf&, const std::filesystem::path&, const ctnn::io::CheckpointInfo&);
template std::string network_summary<ctnn::models::LeNet5Relu>();

}  // namespace lenet5
