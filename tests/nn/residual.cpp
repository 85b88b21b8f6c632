// Residual<L...>, Shortcut<P...> (nn/residual.hpp) and a Sequential used as a block
// (nn/sequential.hpp, nn/chain.hpp): shapes and counts, nested tensor names in the model and in
// checkpoints, finite-difference gradients of residual blocks and of a nested block, and one
// training step of a projection block against PyTorch (tests/fixtures/nn/make_residual.py).
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/train/checkpoint.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "../fixtures/nn/residual_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;

namespace {
using Block = Sequential<Input<4, 8, 8>, Conv<4, 3, 1, 1>, BatchNorm<>, ReLU>;
using Projection =
    Residual<Shortcut<Conv<8, 1, 2>>, Conv<8, 3, 2, 1>, BatchNorm<>, ReLU, Conv<8, 3, 1, 1>, BatchNorm<>>;
using Net = Sequential<Input<1, 8, 8>, Conv<4, 3, 1, 1>, Block, Residual<Conv<4, 3, 1, 1>, ReLU>, Projection,
                       ReLU, GlobalAvgPool, Dense<10>>;

std::vector<std::string> names(const std::vector<TensorSlot>& slots) {
    std::vector<std::string> result;
    for (const auto& slot : slots) result.push_back(slot.name);
    return result;
}
}  // namespace

TEST_CASE("Residual and blocks: shapes, parameter counts, names") {
    using R = Residual<Conv<4, 3, 1, 1>, ReLU>::bind<Shape<4, 8, 8>>;
    static_assert(std::is_same_v<R::out_shape, Shape<4, 8, 8>>);
    static_assert(R::param_count == 4 * 4 * 9 + 4);
    using P = Projection::bind<Shape<4, 8, 8>>;
    static_assert(std::is_same_v<P::out_shape, Shape<8, 4, 4>>);
    static_assert(P::param_count == (8 * 4 * 9 + 8) + 16 + (8 * 8 * 9 + 8) + 16 + (8 * 4 + 8));
    static_assert(std::is_same_v<Net::output_shape, Shape<10>>);
    static_assert(Net::param_count ==
                  (4 * 9 + 4) + (4 * 4 * 9 + 4 + 8) + (4 * 4 * 9 + 4) + P::param_count + 8 * 10 + 10);
    CHECK(R::name() == "Residual<" + Conv<4, 3, 1, 1>::bind<Shape<4, 8, 8>>::name() + " -> ReLU>");
    CHECK(P::name().starts_with("Residual<Shortcut<Conv<8, 1x1, stride 2>>, Conv<8, 3x3, stride 2, pad 1>"));
    CHECK(Block::name().starts_with("Block<Conv<4, 3x3, pad 1> -> BatchNorm"));
    CHECK(Net::fingerprint().find("Block<") != std::string::npos);
}

TEST_CASE("Residual and blocks: nested tensor names (block1.conv1.weight) in the model's slots") {
    using M = Model<Net, cpu::Blas>;
    const auto params = names(M::parameter_slots()), state = names(M::state_slots());
    const std::vector<std::string> want = {"conv1.weight",
                                           "conv1.bias",
                                           "block1.conv1.weight",
                                           "block1.conv1.bias",
                                           "block1.batchnorm1.weight",
                                           "block1.batchnorm1.bias",
                                           "residual1.conv1.weight",
                                           "residual1.conv1.bias",
                                           "residual2.conv1.weight",
                                           "residual2.conv1.bias",
                                           "residual2.batchnorm1.weight",
                                           "residual2.batchnorm1.bias",
                                           "residual2.conv2.weight",
                                           "residual2.conv2.bias",
                                           "residual2.batchnorm2.weight",
                                           "residual2.batchnorm2.bias",
                                           "residual2.shortcut1.conv1.weight",
                                           "residual2.shortcut1.conv1.bias",
                                           "dense1.weight",
                                           "dense1.bias"};
    CHECK(params == want);
    CHECK(state ==
          std::vector<std::string>{"block1.batchnorm1.running_mean", "block1.batchnorm1.running_var",
                                   "residual2.batchnorm1.running_mean", "residual2.batchnorm1.running_var",
                                   "residual2.batchnorm2.running_mean", "residual2.batchnorm2.running_var"});
    std::size_t total = 0;
    for (const auto& slot : M::parameter_slots()) {
        CHECK(slot.offset == total);
        total += slot.count;
    }
    CHECK(total == Net::param_count);
    CHECK(M::state_count == 4 + 4 + 4 * 8);  // the block's BatchNorm (4 channels), residual2's two (8 each)
}

TEST_CASE("Residual and blocks: finite-difference gradients") {
    const double identity =
        testing::check_layer_gradients<Residual<Conv<3, 3, 1, 1>, Tanh, Conv<3, 3, 1, 1>>, Shape<3, 5, 5>>();
    const double projection = testing::check_layer_gradients<
        Residual<Shortcut<Conv<4, 1, 2>>, Conv<4, 3, 2, 1>, BatchNorm<>, Tanh, Conv<4, 3, 1, 1>>,
        Shape<2, 6, 6>>();
    const double block =
        testing::check_layer_gradients<Sequential<Input<2, 5, 5>, Conv<3, 3>, Tanh, Flatten, Dense<4>>,
                                       Shape<2, 5, 5>>();
    const double dense = testing::check_layer_gradients<Residual<Dense<6>, Tanh, Dense<6>>, Shape<6>>();
    MESSAGE("gradient check, worst relative error: identity residual " << identity << ", projection residual "
                                                                       << projection << ", block " << block
                                                                       << ", dense residual " << dense);
    CHECK(identity < 1e-6);
    CHECK(projection < 1e-6);
    CHECK(block < 1e-6);
    CHECK(dense < 1e-6);
}

TEST_CASE("Residual: a projection block's training step equals PyTorch's") {
    namespace r = ctnn::fixtures::residual;
    using R = Sequential<
        Input<2, 6, 6>,
        Residual<Shortcut<Conv<4, 1, 2>>, Conv<4, 3, 2, 1>, BatchNorm<>, ReLU, Conv<4, 3, 1, 1>, BatchNorm<>>,
        ReLU>;
    Model<R, cpu::Blas64> model(1);
    REQUIRE(std::size(r::projection_block::params) == R::param_count);
    std::copy(std::begin(r::projection_block::params), std::end(r::projection_block::params),
              model.parameters());
    const double* out = model.forward(r::projection_block::input, 3);
    std::vector<double> dinput(std::size(r::projection_block::input));
    model.zero_grad();
    model.backward(r::projection_block::dout, dinput.data());
    const auto worst = [](const double* got, const double* want, std::size_t n) {
        double e = 0;
        for (std::size_t i = 0; i < n; ++i)
            e = std::max(e, std::abs(got[i] - want[i]) / std::max(1.0, std::abs(want[i])));
        return e;
    };
    const double e_out = worst(out, r::projection_block::output, std::size(r::projection_block::output));
    const double e_dinp = worst(dinput.data(), r::projection_block::dinput, dinput.size());
    const double e_dparams = worst(model.gradients(), r::projection_block::dparams, R::param_count);
    const double e_state =
        worst(model.state(), r::projection_block::state, std::size(r::projection_block::state));
    MESSAGE("residual block vs PyTorch (float64): output " << e_out << ", dinput " << e_dinp << ", dparams "
                                                           << e_dparams << ", running stats " << e_state);
    CHECK(e_out < 1e-10);
    CHECK(e_dinp < 1e-10);
    CHECK(e_dparams < 1e-10);
    CHECK(e_state < 1e-10);
}

TEST_CASE("Residual and blocks: a checkpoint carries the nested names and round-trips") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("ctnn-residual-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "net.safetensors";
    Model<Net, cpu::Blas> model(3), loaded(4);
    std::vector<float> x(2 * 64, 0.25f);
    model.forward(x.data(), 2);  // moves the running statistics
    io::save_checkpoint(path, model, {.epoch = 0, .step = 0, .extra = {}});
    const auto file = io::load_safetensors(path);
    CHECK(file.contains("block1.conv1.weight"));
    CHECK(file.contains("residual2.shortcut1.conv1.bias"));
    CHECK(file.contains("residual2.batchnorm2.running_var"));
    io::load_checkpoint(path, loaded);
    CHECK(std::equal(model.parameters(), model.parameters() + Net::param_count, loaded.parameters()));
    CHECK(std::equal(model.state(), model.state() + Model<Net, cpu::Blas>::state_count, loaded.state()));
}

TEST_CASE("Residual and blocks: a Dropout inside a block keeps a named counter that checkpoints carry") {
    using Inner = Sequential<Input<6>, Dense<6>, Dropout<0.5f>>;
    using DropNet = Sequential<Input<6>, Dropout<0.2f>, Inner, Residual<Dense<6>, Dropout<0.3f>>, Dense<2>>;
    using M = Model<DropNet, cpu::Blas>;
    CHECK(M::counter_names() == std::vector<std::string>{"dropout1.counter", "block1.dropout1.counter",
                                                         "residual1.dropout1.counter"});
    M model(5);
    std::vector<float> x(12, 0.5f);
    for (int i = 0; i < 3; ++i) model.forward(x.data(), 2);  // three masks each
    CHECK(model.counters() == std::vector<std::uint64_t>{3, 3, 3});
    const std::uint64_t values[] = {7, 8, 9};
    model.set_counters(values);
    CHECK(model.counters() == std::vector<std::uint64_t>{7, 8, 9});

    const auto path = std::filesystem::temp_directory_path() /
                      ("ctnn-residual-counters-" + std::to_string(::getpid()) + ".safetensors");
    io::save_checkpoint(path, model, {.epoch = 0, .step = 0, .extra = {}});
    M loaded(5);  // the same seed, as a resumed trainer has; its counters start at 0
    io::load_checkpoint(path, loaded);
    CHECK(loaded.counters() == std::vector<std::uint64_t>{7, 8, 9});
    // The same masks from here on: equal outputs (Dropout draws from the seed and the counter).
    const float* a = model.forward(x.data(), 2);
    const std::vector<float> out(a, a + 4);
    const float* b = loaded.forward(x.data(), 2);
    CHECK(std::equal(out.begin(), out.end(), b));
}

TEST_CASE("summary<Net>() lists a block's layers under its row, numbered and indented, nothing cut") {
    const std::string text = summary<models::ResNet28>();
    MESSAGE("\n" << text);
    CHECK(text.find("\n3      Residual ") != std::string::npos);
    CHECK(text.find("\n3.0      Conv<16, 3x3, pad 1> ") != std::string::npos);
    CHECK(text.find("\n5.s      Shortcut ") != std::string::npos);
    CHECK(text.find("\n5.s.0      Conv<32, 1x1, stride 2> ") != std::string::npos);
    CHECK(text.find("Total params: 152,202") != std::string::npos);
    std::size_t rows = 0;
    for (char c : text) rows += c == '\n';
    // header 3, input 1, 13 layers, the blocks' 5 + 8 + 8 + 5 rows, totals 5
    CHECK(rows == 48);
}
