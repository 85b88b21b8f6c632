// The checkpoint code (model_io_impl.hpp) of lenet5 --arch resnet on the CPU, in a unit of its own.
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/resnet.hpp>

#include "model_io_impl.hpp"

namespace lenet5 {

using Clf = Trainer<ctnn::models::ResNet28, ctnn::cpu::Blas>;
template ctnn::io::CheckpointInfo load_model<Clf>(Clf&, const std::filesystem::path&, bool);
template void save_model<Clf>(Clf&, const std::filesystem::path&, const ctnn::io::CheckpointInfo&);
template std::string network_summary<ctnn::models::ResNet28>();

}  // namespace lenet5
