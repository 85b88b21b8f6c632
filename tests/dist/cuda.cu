// Data-parallel training on cuda::CuBlas (CTNN_CUDA and CTNN_MPI builds): the gradient hooks stage
// device gradients through host buffers (any MPI, CUDA-aware or not), so 2 ranks on GPUs equal one
// process on a GPU with the same global batch, as on the CPU (tests/dist/data_parallel.cpp). Every
// rank uses device rank % devices (here both share one). Skipped without a usable GPU.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/cuda.hpp>
#include <ctnn/dist/dist.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/classifier.hpp>

using namespace ctnn;

namespace {

using Gpu = cuda::CuBlas;
using Clf = Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam, Gpu>;

data::Dataset digits(std::size_t count) {
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({count, 1, 28, 28});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({count});
    Rng rng(11);
    for (std::size_t i = 0; i < count; ++i) {
        d.labels(i) = static_cast<std::int32_t>(i % 10);
        for (std::size_t k = 0; k < 784; ++k)
            d.images.data()[i * 784 + k] =
                static_cast<float>(rng.uniform01()) * (k % 10 == i % 10 ? 1.0f : 0.3f);
    }
    return d;
}

std::vector<float> host_parameters(const Clf& clf) {
    std::vector<float> w(models::LeNet5::param_count);
    Gpu::to_host(clf.model().parameters(), w.data(), w.size());
    return w;
}

template <class Sync>
double relative_difference(dist::Communicator& comm, const data::Dataset& train,
                           const std::vector<float>& expected) {
    Clf clf(Adam{.lr = 1e-3f}, 42);
    Sync sync(comm);
    dist::attach(comm, clf, sync);
    dist::fit_epoch(comm, clf, sync, train, 64);
    const auto got = host_parameters(clf);
    double worst = 0, largest = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        worst = std::max(worst, std::fabs(double(got[i]) - double(expected[i])));
        largest = std::max(largest, std::fabs(double(expected[i])));
    }
    return worst / largest;
}

}  // namespace

TEST_CASE("dist on cuda::CuBlas: 20 LeNet-5 steps on R ranks equal one process (host staging)") {
    dist::Communicator comm;
    // Every rank decides together: a GPU missing on one rank skips the test on all of them.
    if (comm.any(!cuda::device_available())) {
        std::printf("SKIPPED (no usable CUDA device on some rank: %s)\n",
                    cuda::device_status().reason.c_str());
        std::fflush(stdout);
        return;
    }
    const auto train = digits(64 * 20);
    Clf one(Adam{.lr = 1e-3f}, 42);
    one.fit_epoch(train, 64);
    const auto expected = host_parameters(one);
    const double blocking = relative_difference<dist::GradientAllreduce<Gpu>>(comm, train, expected);
    const double overlapped =
        relative_difference<dist::OverlappedGradientAllreduce<Gpu>>(comm, train, expected);
    MESSAGE(comm.size() << " ranks on the GPU: max|diff|/max|w| blocking " << blocking << ", overlapped "
                        << overlapped);
    CHECK(blocking <= 1e-5);
    CHECK(overlapped <= 1e-5);
}
