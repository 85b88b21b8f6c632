// lenet5 --resume FILE --export OUT.h [--export-name NAME]: the checkpoint's network as one
// self-contained C++17 header (ctnn::io::export_header: weights, a one-sample forward without
// heap, exceptions or RTTI, preprocess() with the training normalization, self_test()). CPU only.
#include <cstdio>
#include <stdexcept>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/nn/export.hpp>
#include <ctnn/train/checkpoint.hpp>

#include "config.hpp"

namespace lenet5 {

namespace {
template <class Net>
int export_net(const Config& config) {
    ctnn::Model<Net, ctnn::cpu::Blas> model(config.common.seed);
    const auto info = ctnn::io::load_checkpoint(config.common.resume, model);
    ctnn::io::export_header(
        model, config.export_name, config.export_path,
        ctnn::io::ExportOptions{.pixel_divisor = 255.0f, .pixel_offset = 0.0f, .test_pixels = {}});
    std::printf("exported %s (epoch %llu) to %s as namespace %s\n", config.common.resume.c_str(),
                static_cast<unsigned long long>(info.epoch), config.export_path.c_str(),
                config.export_name.c_str());
    return 0;
}
}  // namespace

int export_header(const Config& config) {
    return config.arch == "classic"  ? export_net<ctnn::models::LeNet5>(config)
           : config.arch == "resnet" ? export_net<ctnn::models::ResNet28>(config)
                                     : export_net<ctnn::models::LeNet5Relu>(config);
}

}  // namespace lenet5
