// lenet5's checkpoint (model.safetensors: weights, optimizer state, epoch, step, the position in an
// interrupted epoch, the configuration). The safetensors/JSON templates are the costliest code to
// compile, so each architecture's are compiled in a unit of their own on the CPU (io_relu.cpp,
// io_classic.cpp); the training units see only these declarations, cuda.cu includes
// model_io_impl.hpp as well.
#pragma once

#include <filesystem>
#include <string>

#include <ctnn/losses/softmax_cross_entropy.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/optim/one_of.hpp>
#include <ctnn/optim/sgd.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/classifier.hpp>

namespace lenet5 {

// The optimizer is chosen at run time (OneOf): one Classifier per architecture to compile.
using Optimizer = ctnn::OneOf<ctnn::SGD, ctnn::Adam>;
template <class Net, class B>
using Trainer = ctnn::Classifier<Net, ctnn::SoftmaxCrossEntropy, Optimizer, B>;

// Loads weights (and the optimizer state unless `weights_only`) into clf.
template <class Clf>
ctnn::io::CheckpointInfo load_model(Clf& clf, const std::filesystem::path& path, bool weights_only);
template <class Clf>
void save_model(Clf& clf, const std::filesystem::path& path, const ctnn::io::CheckpointInfo& info);
// The network's summary table (ctnn::summary), compiled with the checkpoint code: its per-layer
// string code stays out of the training units.
template <class Net>
std::string network_summary();

}  // namespace lenet5
