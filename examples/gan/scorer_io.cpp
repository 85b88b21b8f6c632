// The checkpoint loading of both LeNet-5 scorers (scorer_net.hpp), in a unit of its own: the
// safetensors/JSON templates are the costliest code to compile.
#include <ctnn/train/checkpoint.hpp>

#include "scorer_net.hpp"

namespace gan {

template <class Net>
void load_scorer_weights(ctnn::Model<Net, ctnn::cpu::Blas>& model, const std::filesystem::path& checkpoint) {
    ctnn::io::load_checkpoint(checkpoint, model);
}

template void load_scorer_weights<ctnn::models::LeNet5>(ctnn::Model<ctnn::models::LeNet5, ctnn::cpu::Blas>&,
                                                        const std::filesystem::path&);
template void load_scorer_weights<ctnn::models::LeNet5Relu>(
    ctnn::Model<ctnn::models::LeNet5Relu, ctnn::cpu::Blas>&, const std::filesystem::path&);

}  // namespace gan
