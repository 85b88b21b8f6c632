// Whole models and trainers on cuda::CuBlas against cpu::Blas: every model of ctnn/models binds
// to the GPU backend unchanged (forward and backward agree), LeNet-5 Classifiers and a GAN take
// the same steps on both, and checkpoints move between the backends (saved from the CPU, loaded
// on the GPU, and the other way, bit for bit). Skipped without a GPU.
#include "gpu.hpp"

#include <filesystem>
#include <memory>

#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/classifier.hpp>
#include <ctnn/train/gan.hpp>

using namespace ctnn;
using namespace ctnn::testing;
using Gpu = cuda::CuBlas;

namespace {

// One model on both backends from one seed: forward, then backward with an input gradient.
template <class Net>
void compare_model(std::size_t batch, Mode mode, double tol) {
    using In = typename Net::input_shape;
    using Out = typename Net::output_shape;
    INFO(Net::fingerprint() << (mode == Mode::train ? " (train)" : " (eval)"));
    auto host = std::make_unique<Model<Net, cpu::Blas>>(5);
    auto device = std::make_unique<Model<Net, Gpu>>(5);
    host->set_mode(mode);
    device->set_mode(mode);
    const auto x = random_floats(batch * In::size, 1);
    const auto dout = random_floats(batch * Out::size, 2);
    auto dx = to_device(x), ddout = to_device(dout);
    check_close("forward", host->forward(x.data(), batch), device->forward(dx.data(), batch),
                batch * Out::size, tol);
    std::vector<float> dinp(x.size());
    auto ddinp = Gpu::allocate<float>(x.size());
    host->backward(dout.data(), dinp.data());
    device->backward(ddout.data(), ddinp.data());
    check_close("input gradient", dinp.data(), ddinp.data(), dinp.size(), tol);
    check_close("parameter gradients", host->gradients(), device->gradients(), Net::param_count, tol);
}

// n random "digits" in [0, 1] with labels 0..9.
data::Dataset random_digits(std::size_t n, std::uint64_t seed) {
    data::Dataset set;
    set.images = xt::xtensor<float, 4>::from_shape({n, 1, 28, 28});
    set.labels = xt::xtensor<std::int32_t, 1>::from_shape({n});
    const auto pixels = random_floats(n * 784, seed, 0.0, 1.0);
    std::copy(pixels.begin(), pixels.end(), set.images.data());
    for (std::size_t i = 0; i < n; ++i) set.labels(i) = static_cast<std::int32_t>(i * 3 % 10);
    return set;
}

std::filesystem::path scratch(const char* name) {
    const std::filesystem::path dir = std::filesystem::path(CTNN_TEST_OUTPUT_DIR) / "cuda";
    std::filesystem::create_directories(dir);
    return dir / name;
}

}  // namespace

TEST_CASE("cuda models: LeNet-5 (classic and ReLU) bind to cuda::CuBlas and agree with the CPU") {
    CTNN_REQUIRE_GPU();
    for (Mode mode : {Mode::train, Mode::eval}) {
        compare_model<models::LeNet5>(16, mode, 1e-4);
        compare_model<models::LeNet5Relu>(16, mode, 1e-4);
    }
}

TEST_CASE("cuda models: the MLP GANs and the DCGANs bind to cuda::CuBlas and agree with the CPU") {
    CTNN_REQUIRE_GPU();
    for (Mode mode : {Mode::train, Mode::eval}) {
        compare_model<models::MlpGenerator<100>>(8, mode, 1e-4);
        compare_model<models::MlpGeneratorBN<100>>(8, mode, 1e-4);
        compare_model<models::MlpGeneratorBNRelu<128>>(8, mode, 1e-4);
        compare_model<models::MlpDiscriminator>(8, mode, 1e-4);
        compare_model<models::MlpDiscriminatorDropout>(8, mode, 1e-4);
        compare_model<models::DcganGenerator<100>>(4, mode, 2e-4);
        compare_model<models::DcganGeneratorWide<100>>(4, mode, 2e-4);
        compare_model<models::DcganDiscriminator>(4, mode, 2e-4);
        compare_model<models::DcganDiscriminatorWide>(4, mode, 2e-4);
        compare_model<models::MlpDiscriminatorMbstd>(8, mode, 1e-4);
        compare_model<models::DcganDiscriminatorMbstd>(8, mode, 2e-4);
    }
}

TEST_CASE("cuda train: a LeNet-5 Classifier takes the same steps on the GPU as on the CPU") {
    CTNN_REQUIRE_GPU();
    const auto digits = random_digits(256, 11);
    const std::size_t batch = 64;
    // SGD: parameters stay comparable step after step (Adam divides by tiny second moments).
    {
        using Net = models::LeNet5;
        auto host = std::make_unique<Classifier<Net, SoftmaxCrossEntropy, SGD, cpu::Blas>>(
            SGD{.lr = 0.05f, .momentum = 0.9f}, 7);
        auto device = std::make_unique<Classifier<Net, SoftmaxCrossEntropy, SGD, Gpu>>(
            SGD{.lr = 0.05f, .momentum = 0.9f}, 7);
        for (std::size_t step = 0; step < 4; ++step) {
            const float* images = digits.images.data() + step * batch * 784;
            const std::int32_t* labels = digits.labels.data() + step * batch;
            const double a = host->fit_batch(images, labels, batch);
            const double b = device->fit_batch(images, labels, batch);
            INFO("step " << step << ": CPU loss " << a << ", GPU loss " << b);
            CHECK(b == doctest::Approx(a).epsilon(1e-4));
        }
        check_close("parameters after 4 SGD steps", host->model().parameters(), device->model().parameters(),
                    Net::param_count, 1e-4);
        const auto a = host->evaluate(digits, 100), b = device->evaluate(digits, 100);
        CHECK(b.loss == doctest::Approx(a.loss).epsilon(1e-4));
        CHECK(b.count == a.count);
    }
    // Adam on LeNet5Relu, a whole (tiny) epoch: the losses follow each other.
    {
        using Net = models::LeNet5Relu;
        auto host =
            std::make_unique<Classifier<Net, SoftmaxCrossEntropy, Adam, cpu::Blas>>(Adam{.lr = 1e-3f}, 3);
        auto device = std::make_unique<Classifier<Net, SoftmaxCrossEntropy, Adam, Gpu>>(Adam{.lr = 1e-3f}, 3);
        const EpochStats a = host->fit_epoch(digits, batch), b = device->fit_epoch(digits, batch);
        CHECK(b.loss == doctest::Approx(a.loss).epsilon(1e-3));
        std::printf("LeNet-5 (ReLU) epoch of 256 images: CPU %.0f img/s, GPU %.0f img/s\n",
                    a.images_per_second, b.images_per_second);
    }
}

TEST_CASE("cuda train: GAN iterations agree on the GPU and the CPU (MLP with BatchNorm, DCGAN)") {
    CTNN_REQUIRE_GPU();
    const auto digits = random_digits(64, 12);
    const GanOptions options{.label_real = 0.9f, .noise_std = 0.1f};
    {
        using G = models::MlpGeneratorBN<100>;
        using D = models::MlpDiscriminator;
        auto host =
            std::make_unique<Gan<G, D, BCEWithLogits, Adam, Adam, cpu::Blas>>(Adam{}, Adam{}, 9, options);
        auto device = std::make_unique<Gan<G, D, BCEWithLogits, Adam, Adam, Gpu>>(Adam{}, Adam{}, 9, options);
        for (std::size_t step = 0; step < 2; ++step) {
            const GanStepStats a = host->fit_batch(digits.images.data(), 32);
            const GanStepStats b = device->fit_batch(digits.images.data(), 32);
            INFO("step " << step);
            CHECK(b.d_loss == doctest::Approx(a.d_loss).epsilon(1e-3));
            CHECK(b.g_loss == doctest::Approx(a.g_loss).epsilon(1e-3));
            CHECK(b.d_real == doctest::Approx(a.d_real).epsilon(1e-3));
        }
        std::vector<float> a, b;
        host->sample_fixed(a);
        device->sample_fixed(b);
        CHECK(max_relative_error(a.data(), b.data(), a.size()) < 1e-2);
    }
    {
        using G = models::DcganGenerator<100>;
        using D = models::DcganDiscriminator;
        auto host =
            std::make_unique<Gan<G, D, BCEWithLogits, Adam, Adam, cpu::Blas>>(Adam{}, Adam{}, 9, options);
        auto device = std::make_unique<Gan<G, D, BCEWithLogits, Adam, Adam, Gpu>>(Adam{}, Adam{}, 9, options);
        const GanStepStats a = host->fit_batch(digits.images.data(), 8);
        const GanStepStats b = device->fit_batch(digits.images.data(), 8);
        CHECK(b.d_loss == doctest::Approx(a.d_loss).epsilon(1e-3));
        CHECK(b.g_loss == doctest::Approx(a.g_loss).epsilon(1e-3));
    }
}

TEST_CASE("cuda checkpoints: saved on the CPU, loaded on the GPU, and the other way, bit for bit") {
    CTNN_REQUIRE_GPU();
    using Net = models::LeNet5;
    const auto digits = random_digits(128, 13);
    auto host = std::make_unique<Classifier<Net, SoftmaxCrossEntropy, Adam, cpu::Blas>>(Adam{}, 21);
    auto device = std::make_unique<Classifier<Net, SoftmaxCrossEntropy, Adam, Gpu>>(Adam{}, 22);
    host->fit_batch(digits.images.data(), digits.labels.data(), 64);  // parameters and Adam state

    const auto cpu_file = scratch("from_cpu.safetensors");
    io::save_checkpoint(cpu_file, host->model(), {.epoch = 1, .step = 1, .extra = {}}, &host->optimizer());
    const auto info = io::load_checkpoint(cpu_file, device->model(), &device->optimizer());
    CHECK(info.step == 1);
    check_close("parameters (CPU -> GPU)", host->model().parameters(), device->model().parameters(),
                Net::param_count, 0);
    for (std::size_t k = 0; k < 2; ++k)
        check_close("Adam state (CPU -> GPU)", host->optimizer().state_tensors()[k].second->data(),
                    device->optimizer().state_tensors()[k].second->data(), Net::param_count, 0);
    CHECK(device->optimizer().steps() == host->optimizer().steps());
    // The same next step from the same state.
    const double a = host->fit_batch(digits.images.data() + 64 * 784, digits.labels.data() + 64, 64);
    const double b = device->fit_batch(digits.images.data() + 64 * 784, digits.labels.data() + 64, 64);
    CHECK(b == doctest::Approx(a).epsilon(1e-4));

    const auto gpu_file = scratch("from_gpu.safetensors");
    io::save_checkpoint(gpu_file, device->model(), {.epoch = 2, .step = 2, .extra = {}},
                        &device->optimizer());
    auto restored = std::make_unique<Model<Net, cpu::Blas>>(99);
    io::load_checkpoint(gpu_file, *restored);
    check_close("parameters (GPU -> CPU)", restored->parameters(), device->model().parameters(),
                Net::param_count, 0);
}
