// Every layer, loss and optimizer on cuda::CuBlas against cpu::Blas: one Model of each on the same
// seed (so the same parameters), the same input, output gradient and targets; forward outputs,
// input gradients, parameter gradients, state and optimizer steps must agree within a tolerance
// (float GEMMs and math functions round differently on the GPU). Skipped without a GPU.
#include "gpu.hpp"

using namespace ctnn;
using namespace ctnn::testing;
using Gpu = cuda::CuBlas;

namespace {

template <class S>
struct input_of;
template <std::size_t... D>
struct input_of<Shape<D...>> {
    using type = Input<D...>;
};

// Runs Net on both backends: two forward/backward passes (the second checks that cached
// columns, masks and accumulated gradients carry over), in `mode`.
template <class Net>
void compare_network(std::size_t batch, Mode mode, double tol, std::uint64_t seed = 3) {
    using In = typename Net::input_shape;
    using Out = typename Net::output_shape;
    Model<Net, cpu::Blas> host(seed);
    Model<Net, Gpu> device(seed);
    host.set_mode(mode);
    device.set_mode(mode);
    check_close("initial parameters", host.parameters(), device.parameters(), Net::param_count, 0);
    for (std::uint64_t pass = 0; pass < 2; ++pass) {
        INFO("pass " << pass);
        const auto x = random_floats(batch * In::size, 10 + pass);
        const auto dout = random_floats(batch * Out::size, 20 + pass);
        auto dx = to_device(x), ddout = to_device(dout);
        const float* y = host.forward(x.data(), batch);
        const float* dy = device.forward(dx.data(), batch);
        check_close("forward", y, dy, batch * Out::size, tol);
        std::vector<float> dinp(batch * In::size);
        auto ddinp = Gpu::allocate<float>(dinp.size());
        host.backward(dout.data(), dinp.data());
        device.backward(ddout.data(), ddinp.data());
        check_close("input gradient", dinp.data(), ddinp.data(), dinp.size(), tol);
        check_close("parameter gradients", host.gradients(), device.gradients(), Net::param_count, tol);
        check_close("state", host.state(), device.state(), Model<Net, cpu::Blas>::state_count, tol);
    }
}

template <class Spec, class In>
void compare_layer(std::size_t batch = 4, double tol = 2e-5) {
    using Net = Sequential<typename input_of<In>::type, Spec>;
    INFO(Net::fingerprint());
    compare_network<Net>(batch, Mode::train, tol);
    compare_network<Net>(batch, Mode::eval, tol);
}

}  // namespace

TEST_CASE("cuda layers: Dense") {
    CTNN_REQUIRE_GPU();
    compare_layer<Dense<7>, Shape<13>>();
    compare_layer<Dense<120>, Shape<400>>(64, 1e-4);
}

TEST_CASE("cuda layers: Conv (one sample per GEMM, and chunks of samples), strides and padding") {
    CTNN_REQUIRE_GPU();
    compare_layer<Conv<6, 5>, Shape<1, 32, 32>>(3, 1e-4);      // plane 784: one sample per chunk
    compare_layer<Conv<16, 5>, Shape<6, 14, 14>>(5, 1e-4);     // plane 100: chunks of one
    compare_layer<Conv<4, 3, 1, 1>, Shape<3, 6, 6>>(9, 1e-4);  // plane 36: chunks of three
    compare_layer<Conv<5, 4, 2, 1>, Shape<2, 9, 8>>(4, 1e-4);
}

TEST_CASE("cuda layers: ConvTranspose") {
    CTNN_REQUIRE_GPU();
    compare_layer<ConvTranspose<4, 4, 2, 1>, Shape<6, 7, 7>>(3, 1e-4);
    compare_layer<ConvTranspose<3, 3>, Shape<2, 20, 20>>(2, 1e-4);
    compare_layer<ConvTranspose<8, 7>, Shape<5, 1, 1>>(6, 1e-4);
}

TEST_CASE("cuda layers: AvgPool and MaxPool, disjoint and overlapping windows") {
    CTNN_REQUIRE_GPU();
    compare_layer<AvgPool<2>, Shape<3, 8, 8>>();
    compare_layer<AvgPool<3, 2>, Shape<2, 9, 7>>();
    compare_layer<MaxPool<2>, Shape<3, 8, 8>>();
    compare_layer<MaxPool<3, 1>, Shape<2, 6, 7>>();
    compare_layer<MaxPool<2, 3>, Shape<2, 8, 8>>();
}

TEST_CASE("cuda layers: activations, Softmax, Pad, Flatten, Reshape") {
    CTNN_REQUIRE_GPU();
    compare_layer<ReLU, Shape<50>>();
    compare_layer<LeakyReLU<0.2f>, Shape<2, 5, 5>>();
    compare_layer<Tanh, Shape<300>>();
    compare_layer<Sigmoid, Shape<300>>();
    compare_layer<Softmax, Shape<10>>(17);
    compare_layer<Pad<2>, Shape<1, 28, 28>>();
    compare_layer<Flatten, Shape<3, 4, 5>>();
    compare_layer<Reshape<6, 10>, Shape<60>>();
}

TEST_CASE("cuda layers: MinibatchStddev (flat, per channel, a short last group)") {
    CTNN_REQUIRE_GPU();
    compare_layer<MinibatchStddev<>, Shape<32>>(16, 1e-4);
    compare_layer<MinibatchStddev<4>, Shape<8, 5, 5>>(6, 1e-4);
}

TEST_CASE("cuda layers: BatchNorm (flat and per channel) and Dropout (the same masks)") {
    CTNN_REQUIRE_GPU();
    compare_layer<BatchNorm<>, Shape<32>>(16, 1e-4);
    compare_layer<BatchNorm<0.2f, 1e-3f>, Shape<8, 5, 5>>(6, 1e-4);
    compare_layer<Dropout<0.3f>, Shape<500>>(8, 0);
    compare_layer<Dropout<0.5f>, Shape<2, 7, 7>>(8, 0);
}

TEST_CASE("cuda layers: GlobalAvgPool, Upsample, GroupNorm, LayerNorm") {
    CTNN_REQUIRE_GPU();
    compare_layer<GlobalAvgPool, Shape<6, 7, 7>>(5, 1e-5);
    compare_layer<Upsample<2>, Shape<3, 5, 4>>(4, 1e-5);
    compare_layer<GroupNorm<2>, Shape<8, 5, 5>>(4, 1e-4);
    compare_layer<GroupNorm<3>, Shape<12>>(4, 1e-4);
    compare_layer<LayerNorm<>, Shape<3, 6, 6>>(4, 1e-4);
}

TEST_CASE("cuda layers: Residual blocks (identity and projection) and a nested Sequential block") {
    CTNN_REQUIRE_GPU();
    compare_layer<Residual<Conv<4, 3, 1, 1>, BatchNorm<>, ReLU, Conv<4, 3, 1, 1>>, Shape<4, 8, 8>>(4, 2e-4);
    compare_layer<Residual<Shortcut<Conv<8, 1, 2>, BatchNorm<>>, Conv<8, 3, 2, 1>, BatchNorm<>, ReLU>,
                  Shape<4, 8, 8>>(4, 2e-4);
    using Block = Sequential<Input<3, 6, 6>, Conv<3, 3, 1, 1>, Tanh>;
    compare_layer<Block, Shape<3, 6, 6>>(4, 2e-4);
}

TEST_CASE("cuda layers: a network of every layer kind") {
    CTNN_REQUIRE_GPU();
    using Net = Sequential<Input<2, 12, 12>, Pad<1>, Conv<4, 3>, BatchNorm<>, LeakyReLU<>, MaxPool<2>,
                           ConvTranspose<3, 4, 2, 1>, Tanh, AvgPool<2>, Flatten, Dropout<0.25f>, Dense<16>,
                           ReLU, Dense<5>, Sigmoid, Softmax>;
    compare_network<Net>(8, Mode::train, 2e-4);
    compare_network<Net>(8, Mode::eval, 2e-4);
}

namespace {

// One loss on both backends: the batch's loss and d loss / d output.
template <class Loss, class Out, class Target>
void compare_loss(const std::vector<Target>& targets, std::size_t batch, Loss config = {}) {
    typename Loss::template bind<Out>::template impl<cpu::Blas> host(config);
    typename Loss::template bind<Out>::template impl<Gpu> device(config);
    const auto output = random_floats(batch * Out::size, 31, -3.0, 3.0);
    std::vector<float> grad(output.size());
    auto doutput = to_device(output);
    auto dtargets = to_device(targets);
    auto dgrad = Gpu::allocate<float>(grad.size());
    const float loss = host.compute(output.data(), targets.data(), grad.data(), batch);
    const float dloss = device.compute(doutput.data(), dtargets.data(), dgrad.data(), batch);
    CHECK(dloss == doctest::Approx(loss).epsilon(1e-5));
    check_close("loss gradient", grad.data(), dgrad.data(), grad.size(), 1e-5);
}

}  // namespace

TEST_CASE("cuda losses: SoftmaxCrossEntropy, BCE, BCEWithLogits, MSE (mean and sum)") {
    CTNN_REQUIRE_GPU();
    const std::size_t batch = 37;
    std::vector<std::int32_t> labels(batch);
    for (std::size_t i = 0; i < batch; ++i) labels[i] = static_cast<std::int32_t>(i * 7 % 10);
    compare_loss<SoftmaxCrossEntropy, Shape<10>>(labels, batch);
    compare_loss<SoftmaxCrossEntropy, Shape<10>>(labels, batch, {Reduction::sum});
    const auto targets = random_floats(batch, 41, 0.0, 1.0);
    compare_loss<BCEWithLogits, Shape<1>>(targets, batch);
    compare_loss<MSE, Shape<1>>(targets, batch, {Reduction::sum});
    const auto targets3 = random_floats(batch * 3, 42, -1.0, 1.0);
    compare_loss<MSE, Shape<3>>(targets3, batch);
    // BCE takes probabilities: feed it sigmoids of the random outputs.
    {
        BCE::bind<Shape<1>>::impl<cpu::Blas> host;
        BCE::bind<Shape<1>>::impl<Gpu> device;
        auto p = random_floats(batch, 43, 0.02, 0.98);
        std::vector<float> grad(batch);
        auto dp = to_device(p), dt = to_device(targets);
        auto dgrad = Gpu::allocate<float>(batch);
        const float loss = host.compute(p.data(), targets.data(), grad.data(), batch);
        CHECK(device.compute(dp.data(), dt.data(), dgrad.data(), batch) ==
              doctest::Approx(loss).epsilon(1e-5));
        check_close("BCE gradient", grad.data(), dgrad.data(), batch, 1e-5);
    }
}

namespace {

// Three steps of one optimizer on both backends from the same parameters and gradients.
template <class Opt>
void compare_optimizer(Opt config) {
    const std::size_t n = 5000;
    auto params = random_floats(n, 51);
    auto dparams = to_device(params);
    typename Opt::template impl<cpu::Blas> host(config, n);
    typename Opt::template impl<Gpu> device(config, n);
    for (std::uint64_t step = 0; step < 3; ++step) {
        const auto grads = random_floats(n, 60 + step);
        auto dgrads = to_device(grads);
        host.step(params.data(), grads.data());
        device.step(dparams.data(), dgrads.data());
    }
    check_close(Opt::name, params.data(), dparams.data(), n, 1e-5);
    auto host_state = host.state_tensors();
    auto device_state = device.state_tensors();
    REQUIRE(host_state.size() == device_state.size());
    for (std::size_t k = 0; k < host_state.size(); ++k)
        check_close(host_state[k].first.c_str(), host_state[k].second->data(), device_state[k].second->data(),
                    n, 1e-5);
}

}  // namespace

TEST_CASE("cuda optimizers: SGD (plain, momentum, Nesterov, weight decay), Adam, AdamW") {
    CTNN_REQUIRE_GPU();
    compare_optimizer(SGD{.lr = 0.1f});
    compare_optimizer(SGD{.lr = 0.05f, .momentum = 0.9f, .dampening = 0.1f, .weight_decay = 1e-3f});
    compare_optimizer(SGD{.lr = 0.05f, .momentum = 0.9f, .nesterov = true});
    compare_optimizer(Adam{.lr = 1e-2f, .weight_decay = 1e-4f});
    compare_optimizer(AdamW{.lr = 1e-2f});
}

TEST_CASE("cuda optimizers: RMSprop (plain, centered with momentum), Adagrad, Adadelta") {
    CTNN_REQUIRE_GPU();
    compare_optimizer(RMSprop{.lr = 1e-2f});
    compare_optimizer(RMSprop{.lr = 1e-2f, .weight_decay = 1e-3f, .momentum = 0.9f, .centered = true});
    compare_optimizer(Adagrad{.lr = 0.1f, .lr_decay = 0.01f, .initial_accumulator_value = 0.1f});
    compare_optimizer(Adadelta{.weight_decay = 1e-3f});
}
