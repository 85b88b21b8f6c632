// Inference-only binding (nn/inference.hpp): Weights + Inference give the outputs of a Model in
// eval mode bit for bit (LeNet-5, and a net with BatchNorm, Dropout, SpectralNorm and a Residual
// block), load the same checkpoints, allocate no gradients (bytes counted by the counting operator
// new, against a Model at the same batch), and run on several threads over one set of weights.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/train/checkpoint.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "../io/scratch.hpp"
#include "../support/steady_state.hpp"

using namespace ctnn;

namespace {

using Mixed = Sequential<Input<1, 8, 8>, SpectralNorm<Conv<4, 3, 1, 1>>, BatchNorm<>, ReLU,
                         Residual<Conv<4, 3, 1, 1>, BatchNorm<>, ReLU, Conv<4, 3, 1, 1>>, Dropout<0.3f>,
                         Flatten, Dense<5>>;

std::vector<float> ramp(std::size_t n, float scale) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = scale * static_cast<float>((i * 37 % 101)) / 101.0f - 0.4f;
    return x;
}

// A few training steps so BatchNorm's running statistics and SpectralNorm's u are not defaults.
template <class Net>
void train_a_little(Model<Net, cpu::Blas>& model, const std::vector<float>& x, std::size_t batch) {
    std::vector<float> dout(batch * Net::output_shape::size, 0.01f);
    for (int step = 0; step < 3; ++step) {
        model.train();
        model.forward(x.data(), batch);
        model.zero_grad();
        model.backward(dout.data());
        for (std::size_t i = 0; i < Net::param_count; ++i)
            model.parameters()[i] -= 0.1f * model.gradients()[i];
    }
}

template <class Net>
void check_same_outputs(std::size_t batch) {
    const auto x = ramp(batch * Net::input_shape::size, 1.3f);
    Model<Net, cpu::Blas> model(7);
    train_a_little(model, x, batch);
    model.eval();
    const float* expected = model.forward(x.data(), batch);

    Weights<Net, cpu::Blas> weights(model);
    Inference<Net, cpu::Blas> net(weights);
    const float* got = net.forward(x.data(), batch);
    const std::size_t n = batch * Net::output_shape::size;
    CHECK(std::equal(expected, expected + n, got));
}

}  // namespace

TEST_CASE(
    "Inference equals a Model in eval mode bit for bit (LeNet-5; SpectralNorm, BatchNorm, Residual, "
    "Dropout)") {
    check_same_outputs<models::LeNet5>(9);
    check_same_outputs<Mixed>(6);
    check_same_outputs<models::ResNet28>(3);
}

TEST_CASE("Weights load and save the checkpoints a Model writes") {
    const auto dir = io::test::scratch_dir("inference");
    const auto x = ramp(4 * Mixed::input_shape::size, 0.9f);
    Model<Mixed, cpu::Blas> model(3);
    train_a_little(model, x, 4);
    io::save_checkpoint(dir / "mixed.safetensors", model, {.epoch = 1, .step = 2, .extra = {}});

    Weights<Mixed, cpu::Blas> weights(11);
    io::load_checkpoint(dir / "mixed.safetensors", weights);
    CHECK(std::equal(model.parameters(), model.parameters() + Mixed::param_count, weights.parameters()));
    CHECK(std::equal(model.state(), model.state() + Model<Mixed, cpu::Blas>::state_count, weights.state()));
    CHECK(weights.counters() == model.counters());

    model.eval();
    const float* expected = model.forward(x.data(), 4);
    Inference<Mixed, cpu::Blas> net(weights);
    CHECK(std::equal(expected, expected + 4 * 5, net.forward(x.data(), 4)));

    io::save_checkpoint(dir / "again.safetensors", weights, {.epoch = 1, .step = 2, .extra = {}});
    Model<Mixed, cpu::Blas> reloaded(5);
    io::load_checkpoint(dir / "again.safetensors", reloaded);
    CHECK(std::equal(model.parameters(), model.parameters() + Mixed::param_count, reloaded.parameters()));

    Weights<models::LeNet5, cpu::Blas> other;
    CHECK_THROWS_WITH_AS(io::load_checkpoint(dir / "mixed.safetensors", other),
                         doctest::Contains("mixed.safetensors"), io::IoError);
}

TEST_CASE("classify gives the argmax and the softmax of the outputs") {
    Model<models::LeNet5, cpu::Blas> model(1);
    model.eval();
    const auto image = ramp(784, 1.0f);
    const float* logits = model.forward(image.data(), 1);
    std::vector<double> expected(10);
    double total = 0;
    for (std::size_t k = 0; k < 10; ++k) total += expected[k] = std::exp(static_cast<double>(logits[k]));
    const auto best = static_cast<std::int32_t>(std::max_element(logits, logits + 10) - logits);

    Weights<models::LeNet5, cpu::Blas> weights(model);
    Inference<models::LeNet5, cpu::Blas> net(weights);
    const auto result = net.classify(image.data());
    CHECK(result.label == best);
    for (std::size_t k = 0; k < 10; ++k)
        CHECK(result.probabilities[k] == doctest::Approx(expected[k] / total));
}

TEST_CASE("An inference binding allocates no gradients: bytes against a Model at the same batch") {
    constexpr std::size_t batch = 1000;
    const auto x = ramp(batch * 784, 1.0f);
    std::size_t model_bytes = 0, inference_bytes = 0;
    {
        testing::HeapCounter counter;
        Model<models::LeNet5, cpu::Blas> model(1);
        model.eval();
        model.forward(x.data(), batch);
        model_bytes = counter.bytes();
    }
    {
        testing::HeapCounter counter;
        Weights<models::LeNet5, cpu::Blas> weights(1);
        Inference<models::LeNet5, cpu::Blas> net(weights);
        net.forward(x.data(), batch);
        inference_bytes = counter.bytes();
    }
    using W = Weights<models::LeNet5, cpu::Blas>;
    using I = Inference<models::LeNet5, cpu::Blas>;
    MESSAGE("LeNet-5, batch ", batch, ": Model ", model_bytes, " bytes, Weights + Inference ",
            inference_bytes, " bytes (weights ", W::bytes(), ", activations ", I::activation_bytes(batch),
            ")");
    CHECK(inference_bytes >= W::bytes() + I::activation_bytes(batch));
    CHECK(inference_bytes * 3 < model_bytes);
}

TEST_CASE("Several threads run inference on one set of weights and agree with one thread") {
    Model<Mixed, cpu::Blas> model(4);
    const auto x = ramp(16 * Mixed::input_shape::size, 1.1f);
    train_a_little(model, x, 16);
    const Weights<Mixed, cpu::Blas> weights(model);
    const std::size_t per_thread = 4, out = Mixed::output_shape::size;
    std::vector<float> alone(16 * out);
    {
        Inference<Mixed, cpu::Blas> net(weights);
        for (std::size_t t = 0; t < 4; ++t) {
            const float* y = net.forward(x.data() + t * per_thread * Mixed::input_shape::size, per_thread);
            std::copy(y, y + per_thread * out,
                      alone.begin() + static_cast<std::ptrdiff_t>(t * per_thread * out));
        }
    }
    std::vector<float> together(16 * out);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            Inference<Mixed, cpu::Blas> net(weights);
            for (int round = 0; round < 20; ++round) {
                const float* y =
                    net.forward(x.data() + t * per_thread * Mixed::input_shape::size, per_thread);
                std::copy(y, y + per_thread * out,
                          together.begin() + static_cast<std::ptrdiff_t>(t * per_thread * out));
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(alone == together);
}

TEST_CASE("Weights(seed) draws the parameters and state a Model(seed) draws") {
    Model<Mixed, cpu::Blas> model(21);
    const Weights<Mixed, cpu::Blas> weights(21);
    CHECK(std::equal(model.parameters(), model.parameters() + Mixed::param_count, weights.parameters()));
    CHECK(std::equal(model.state(), model.state() + Model<Mixed, cpu::Blas>::state_count, weights.state()));
}
