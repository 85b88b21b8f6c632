#include <ctnn/ctnn.hpp>
#include <ctnn/train/checkpoint.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace ctnn;

namespace {
std::filesystem::path scratch_dir() {
    auto dir =
        std::filesystem::temp_directory_path() / ("ctnn-checkpoint-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}
using Net = Sequential<Input<4>, Dense<8>, Tanh, Dense<3>>;
using Other = Sequential<Input<4>, Dense<9>, Tanh, Dense<3>>;
}  // namespace

TEST_CASE("Checkpoint: parameters and Adam state round-trip exactly") {
    const auto path = scratch_dir() / "mlp.safetensors";
    Model<Net, cpu::Blas> model(1);
    Adam::impl<cpu::Blas> adam(Adam{}, Net::param_count);
    std::vector<float> x(8, 0.3f), d(6, 0.1f);
    model.forward(x.data(), 2);
    model.backward(d.data());
    adam.step(model.parameters(), model.gradients());
    io::save_checkpoint(path, model, {.epoch = 3, .step = 17, .extra = {{"note", "hello"}}}, &adam);

    Model<Net, cpu::Blas> loaded(99);
    Adam::impl<cpu::Blas> loaded_adam(Adam{}, Net::param_count);
    const auto info = io::load_checkpoint(path, loaded, &loaded_adam);
    CHECK(info.epoch == 3);
    CHECK(info.step == 17);
    CHECK(info.extra.at("note") == "hello");
    CHECK(std::equal(model.parameters(), model.parameters() + Net::param_count, loaded.parameters()));
    CHECK(loaded_adam.steps() == 1);
    auto a = adam.state_tensors(), b = loaded_adam.state_tensors();
    CHECK(std::equal(a[0].second->begin(), a[0].second->end(), b[0].second->begin()));
    CHECK(std::equal(a[1].second->begin(), a[1].second->end(), b[1].second->begin()));

    const auto file = io::load_safetensors(path);
    CHECK(file.contains("dense1.weight"));
    CHECK(file.contains("dense2.bias"));
    CHECK(file.contains("optimizer.exp_avg.dense1.weight"));
    CHECK(file.metadata.at("architecture") == Net::fingerprint());
}

TEST_CASE("Checkpoint: a OneOf optimizer saves under the chosen optimizer's name and resumes only as it") {
    const auto path = scratch_dir() / "mlp-one-of.safetensors";
    using Choice = OneOf<SGD, Adam>;
    Model<Net, cpu::Blas> model(1);
    Choice::impl<cpu::Blas> adam(Choice{Adam{}}, Net::param_count);
    std::vector<float> x(8, 0.3f), d(6, 0.1f);
    model.forward(x.data(), 2);
    model.backward(d.data());
    adam.step(model.parameters(), model.gradients());
    io::save_checkpoint(path, model, {}, &adam);
    CHECK(io::load_safetensors(path).metadata.at("optimizer") == "adam");

    Model<Net, cpu::Blas> loaded(2);
    Adam::impl<cpu::Blas> plain_adam(Adam{}, Net::param_count);  // the same state as a plain Adam
    io::load_checkpoint(path, loaded, &plain_adam);
    CHECK(plain_adam.steps() == 1);
    CHECK(std::equal(adam.state_tensors()[0].second->begin(), adam.state_tensors()[0].second->end(),
                     plain_adam.state_tensors()[0].second->begin()));

    Choice::impl<cpu::Blas> sgd(Choice{SGD{.momentum = 0.9f}}, Net::param_count);
    try {
        io::load_checkpoint(path, loaded, &sgd);
        FAIL("Adam state must not load into SGD");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("optimizer state is for 'adam', not 'sgd'") != std::string::npos);
    }
}

TEST_CASE("Checkpoint: a different architecture is refused naming the file and the tensor") {
    const auto path = scratch_dir() / "mlp-weights.safetensors";
    Model<Net, cpu::Blas> model(1);
    io::save_checkpoint(path, model, {});
    Model<Other, cpu::Blas> other(2);
    const std::vector<float> before(other.parameters(), other.parameters() + Other::param_count);
    try {
        io::load_checkpoint(path, other);
        FAIL("loading into another architecture must throw");
    } catch (const io::IoError& e) {
        const std::string message = e.what();
        CHECK(message.find("mlp-weights.safetensors") != std::string::npos);
        CHECK(message.find("dense1.weight") != std::string::npos);
    }
    CHECK(std::equal(before.begin(), before.end(), other.parameters()));  // untouched

    const auto plain = scratch_dir() / "plain.safetensors";
    io::save_safetensors(plain, {io::tensor_ref("x", std::vector<float>{1, 2})}, {});
    CHECK_THROWS_WITH_AS(io::load_checkpoint(plain, model), doctest::Contains("not a ctnn checkpoint"),
                         io::IoError);
}

TEST_CASE(
    "Checkpoint: the metadata spells the architecture's C++ type and the version; a mismatch names the first "
    "differing layer") {
    const auto path = scratch_dir() / "typed.safetensors";
    Model<Net, cpu::Blas> model(1);
    io::save_checkpoint(path, model, {});
    const auto file = io::load_safetensors(path);
    CHECK(file.metadata.at("architecture_type") == Net::type_name());
    CHECK(Net::type_name().rfind("Sequential<Input<", 0) == 0);
    CHECK(file.metadata.at("ctnn_version") == ctnn::version);
    CHECK(io::detail::first_difference("Input(6) -> Dense<5> -> ReLU", "Input(6) -> Dense<5> -> Tanh") ==
          "first difference at layer 2: 'ReLU' in the checkpoint, 'Tanh' in this model");
    CHECK(io::detail::first_difference("Input(6) -> Dense<5>", "Input(6) -> Dense<5> -> Tanh") ==
          "first difference at layer 2: nothing in the checkpoint, 'Tanh' in this model");
}
