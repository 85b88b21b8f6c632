// The definitions of model_io.hpp's templates (io_relu.cpp, io_classic.cpp, io_resnet.cpp, cuda.cu).
#pragma once

#include <ctnn/nn/summary.hpp>
#include <ctnn/train/checkpoint.hpp>

#include "model_io.hpp"

namespace lenet5 {

template <class Clf>
ctnn::io::CheckpointInfo load_model(Clf& clf, const std::filesystem::path& path, bool weights_only) {
    return ctnn::io::load_checkpoint(path, clf.model(), weights_only ? nullptr : &clf.optimizer());
}

template <class Clf>
void save_model(Clf& clf, const std::filesystem::path& path, const ctnn::io::CheckpointInfo& info) {
    ctnn::io::save_checkpoint(path, clf.model(), info, &clf.optimizer());
}

template <class Net>
std::string network_summary() {
    return ctnn::summary<Net>();
}

}  // namespace lenet5
