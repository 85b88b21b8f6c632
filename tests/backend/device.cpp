// select_device (backend/device.hpp): the --device choice of a program, with a GPU probe that
// runs only when the GPU is asked for.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include <ctnn/backend/device.hpp>

namespace {

int g_probes = 0;
ctnn::GpuStatus no_gpu() {
    ++g_probes;
    return {false, "no usable CUDA device: the driver reports no CUDA devices"};
}
ctnn::GpuStatus a_gpu() {
    ++g_probes;
    return {true, "Test GPU (device 0)"};
}

}  // namespace

TEST_CASE("select_device: cpu never probes; auto takes a usable GPU or says why not; cuda needs one") {
    g_probes = 0;
    CHECK(ctnn::select_device("cpu", a_gpu).device == ctnn::Device::cpu);
    CHECK(g_probes == 0);

    const auto gpu = ctnn::select_device("auto", a_gpu);
    CHECK(gpu.device == ctnn::Device::cuda);
    CHECK(gpu.description == "cuda: Test GPU (device 0)");
    CHECK(ctnn::select_device("cuda", a_gpu).device == ctnn::Device::cuda);

    const auto fallback = ctnn::select_device("auto", no_gpu);
    CHECK(fallback.device == ctnn::Device::cpu);
    CHECK(fallback.description == "cpu (auto: no usable CUDA device: the driver reports no CUDA devices)");
    CHECK_THROWS_WITH_AS(ctnn::select_device("cuda", no_gpu),
                         "--device cuda: no usable CUDA device: the driver reports no CUDA devices",
                         std::runtime_error);
    CHECK(g_probes == 4);

    CHECK_THROWS_WITH_AS(ctnn::select_device("gpu", a_gpu), "--device gpu: expected cpu, cuda or auto",
                         std::invalid_argument);
}

TEST_CASE("select_device without CUDA: cpu and auto run on the CPU, cuda says how to build with it") {
    CHECK(ctnn::select_device("cpu").description == "cpu");
    CHECK(ctnn::select_device("auto").description == "cpu (auto: built without CUDA)");
    try {
        ctnn::select_device("cuda");
        FAIL("--device cuda in a build without CUDA must throw");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("built without CUDA (configure with -DCTNN_CUDA=ON") !=
              std::string::npos);
    }
    CHECK_FALSE(ctnn::cuda_built);
}
