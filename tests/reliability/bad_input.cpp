// Bad input, the cases tests/data and tests/io do not already cover: the in-memory IDX and
// CSV entry points (what the fuzzers call) report like the file readers, naming the source;
// checkpoints with a tensor missing or extra, an architecture fingerprint that differs, no or
// the wrong optimizer state, a bad counter or count, a NaN / Inf / negative variance in any tensor,
// or a cut-off file are refused naming the file and the tensor, and leave the model (and
// optimizer) untouched.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/train/checkpoint.hpp>

#include <cstring>
#include <functional>
#include <limits>

#include "../data/helpers.hpp"
#include "helpers.hpp"

using namespace ctnn;
using ctnn::reliability::read_all;
using ctnn::reliability::scratch_dir;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::string csv_row(int label, std::size_t columns = 785) {
    std::string s = std::to_string(label);
    for (std::size_t k = 1; k < columns; ++k) s += "," + std::to_string(k % 256);
    return s + "\n";
}

Bytes text_bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// A model with parameters, BatchNorm state and a Dropout counter.
using Net = Sequential<Input<6>, Dense<5>, BatchNorm<>, ReLU, Dropout<0.25f>, Dense<3>>;
using SameShapes = Sequential<Input<6>, Dense<5>, BatchNorm<>, Tanh, Dropout<0.25f>, Dense<3>>;
using M = Model<Net, cpu::Blas>;

// Rewrites the safetensors file `from` as `to` after `edit` changes its tensors and metadata.
void rewrite(const fs::path& from, const fs::path& to,
             const std::function<void(std::map<std::string, io::TensorData>&,
                                      std::map<std::string, std::string>&)>& edit) {
    const io::SafetensorsFile file = io::load_safetensors(from);
    std::map<std::string, io::TensorData> tensors(file.tensors.begin(), file.tensors.end());
    std::map<std::string, std::string> metadata(file.metadata.begin(), file.metadata.end());
    edit(tensors, metadata);
    std::vector<io::TensorRef> refs;
    for (const auto& [name, t] : tensors)
        refs.push_back({name, t.dtype, t.shape, t.bytes.data(), t.bytes.size()});
    io::save_safetensors(to, refs, metadata);
}

// A checkpoint of a trained-for-one-step Net with its Adam state.
fs::path good_checkpoint(const fs::path& dir) {
    M model(3);
    Adam::impl<cpu::Blas> adam(Adam{}, Net::param_count);
    std::vector<float> x(4 * 6);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
    const std::vector<float> dout(4 * 3, 0.05f);
    model.forward(x.data(), 4);
    model.backward(dout.data());
    adam.step(model.parameters(), model.gradients());
    const fs::path path = dir / "good.safetensors";
    io::save_checkpoint(path, model, {.epoch = 2, .step = 9, .extra = {}}, &adam);
    return path;
}

// Loading `path` into a fresh model with Adam throws IoError naming the file and every part,
// and changes nothing in the model or the optimizer.
void check_refused(const fs::path& path, std::vector<std::string> parts, bool with_optimizer = true) {
    M model(77);
    Adam::impl<cpu::Blas> adam(Adam{}, Net::param_count);
    const std::vector<float> params(model.parameters(), model.parameters() + M::param_count);
    const std::vector<float> state(model.state(), model.state() + M::state_count);
    const auto counters = model.counters();
    parts.push_back(path.string());
    const std::string message = ctnn::reliability::error_message<io::IoError>([&] {
        if (with_optimizer)
            io::load_checkpoint(path, model, &adam);
        else
            io::load_checkpoint(path, model);
    });
    INFO("message: ", message);
    for (const auto& part : parts) CHECK_MESSAGE(message.find(part) != std::string::npos, "expected: ", part);
    CHECK(std::equal(params.begin(), params.end(), model.parameters()));
    CHECK(std::equal(state.begin(), state.end(), model.state()));
    CHECK(model.counters() == counters);
    CHECK(adam.steps() == 0);
    for (const auto& [name, buffer] : adam.state_tensors())
        CHECK(std::all_of(buffer->begin(), buffer->end(), [](float v) { return v == 0.0f; }));
}

}  // namespace

TEST_SUITE_BEGIN("reliability");

TEST_CASE("reliability/bad input: the in-memory IDX readers name their source like the file readers") {
    using namespace ctnn::data::test;
    const Bytes good = idx_bytes(0x803, {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(data::read_idx_images_bytes(good, "mem-images").size() == 8);
    CHECK(data::read_idx_images_bytes(gzip_bytes(good), "mem.gz").size() == 8);
    CHECK(data::read_idx_labels_bytes(idx_bytes(0x801, {3}, {1, 2, 3}), "mem-labels").size() == 3);

    CHECK_DATA_ERROR(data::read_idx_images_bytes({}, "empty-mem"), "empty-mem: file is empty");
    CHECK_DATA_ERROR(data::read_idx_images_bytes(Bytes(good.begin(), good.end() - 3), "cut-mem"),
                     "cut-mem: truncated data", "need 8 bytes, but only 5");
    CHECK_DATA_ERROR(data::read_idx_labels_bytes(good, "swapped-mem"),
                     "swapped-mem: wrong magic number 0x00000803");
    CHECK_DATA_ERROR(
        data::read_idx_images_bytes(idx_bytes(0x803, {0x7fffffff, 0x7fffffff, 28}, {}), "absurd-mem"),
        "absurd-mem: truncated data", "2147483647 x 2147483647 x 28 need");
    // Zero images of an absurd size: no data is needed, but the shape itself must be sane
    // (found by fuzz/idx.cpp: xtensor's strides overflowed).
    CHECK_DATA_ERROR(
        data::read_idx_images_bytes(idx_bytes(0x803, {0, 0xffffffff, 0xfef10007}, {}), "zero-mem"),
        "zero-mem: absurd dimensions 0 x 4294967295 x 4277207047: one item of 4294967295 x "
        "4277207047 bytes is over the limit of 1073741824 bytes");
    Bytes bad_gzip = gzip_bytes(good);
    bad_gzip.resize(bad_gzip.size() / 2);
    CHECK_DATA_ERROR(data::read_idx_images_bytes(bad_gzip, "half.gz"), "half.gz: truncated gzip stream");
    CHECK_DATA_ERROR(data::read_idx_images_bytes(gzip_bytes(Bytes(4096, 0)), "bomb.gz", 1024), "bomb.gz",
                     "decompresses to more than the limit of 1024 bytes");
    CHECK_DATA_ERROR(data::read_idx_images_bytes(good, "big-mem", 16), "big-mem: file is 24 bytes",
                     "over the limit of 16 bytes");
}

TEST_CASE("reliability/bad input: the in-memory CSV reader names its source and line") {
    using namespace ctnn::data::test;
    CHECK(data::read_mnist_csv_bytes(text_bytes(csv_row(3) + csv_row(4)), "mem.csv").size() == 2);
    CHECK_DATA_ERROR(data::read_mnist_csv_bytes({}, "empty.csv"), "empty.csv: file is empty");
    CHECK_DATA_ERROR(data::read_mnist_csv_bytes(text_bytes(csv_row(3) + csv_row(4, 700)), "short.csv"),
                     "short.csv: line 2: expected 785 columns", "found 700");
    CHECK_DATA_ERROR(data::read_mnist_csv_bytes(text_bytes("label,x\n"), "header.csv"),
                     "header.csv: line 1: header row has 2 columns");
    std::string header = "label";
    for (int k = 0; k < 784; ++k) header += ",p" + std::to_string(k);
    CHECK_DATA_ERROR(data::read_mnist_csv_bytes(text_bytes(header + "\n"), "header-only.csv"),
                     "header-only.csv: header row but no data rows");
    CHECK_DATA_ERROR(
        data::read_mnist_csv_bytes(text_bytes(csv_row(1) + "x" + csv_row(1).substr(1)), "nan.csv"),
        "nan.csv: line 2, column 1 (label): 'x' is not an integer");
    CHECK_DATA_ERROR(data::read_mnist_csv_bytes(gzip_bytes(text_bytes(csv_row(12))), "label.csv.gz"),
                     "label.csv.gz: line 1: label 12 outside 0-9");
}

TEST_CASE(
    "reliability/bad input: a checkpoint round-trips with its counter, and loads with or without Adam") {
    const auto dir = scratch_dir("ckpt-good");
    const auto path = good_checkpoint(dir);
    M model(5);
    Adam::impl<cpu::Blas> adam(Adam{}, Net::param_count);
    const auto info = io::load_checkpoint(path, model, &adam);
    CHECK(info.epoch == 2);
    CHECK(info.step == 9);
    CHECK(adam.steps() == 1);
    CHECK(model.counters() == std::vector<std::uint64_t>{1});  // one train-mode forward drew one mask
    CHECK(M::counter_names() == std::vector<std::string>{"dropout1.counter"});
    const auto file = io::load_safetensors(path);
    CHECK(file.at("dropout1.counter").dtype == "U64");
    CHECK(file.at("dropout1.counter").shape.empty());
    M weights_only(6);
    CHECK_NOTHROW(io::load_checkpoint(path, weights_only));  // optimizer state is ignored then
    fs::remove_all(dir);
}

TEST_CASE("reliability/bad input: a checkpoint with a tensor missing is refused naming the file and tensor") {
    const auto dir = scratch_dir("ckpt-missing");
    const auto good = good_checkpoint(dir);
    const auto drop = [&](const std::string& name) {
        const auto path = dir / ("no-" + name + ".safetensors");
        rewrite(good, path, [&](auto& tensors, auto&) { REQUIRE(tensors.erase(name) == 1); });
        return path;
    };
    check_refused(drop("dense2.bias"),
                  {"tensor 'dense2.bias' of this model is missing", "the file is incomplete or was edited"});
    check_refused(drop("batchnorm1.running_var"), {"tensor 'batchnorm1.running_var'", "missing"});
    check_refused(drop("dropout1.counter"), {"tensor 'dropout1.counter'", "missing"});
    check_refused(drop("optimizer.exp_avg_sq.dense1.weight"),
                  {"no tensor named 'optimizer.exp_avg_sq.dense1.weight'"});
    fs::remove_all(dir);
}

TEST_CASE("reliability/bad input: a checkpoint with an extra tensor is refused naming the file and tensor") {
    const auto dir = scratch_dir("ckpt-extra");
    const auto good = good_checkpoint(dir);
    const auto add = [&](const std::string& name) {
        const auto path = dir / ("extra-" + name + ".safetensors");
        rewrite(good, path, [&](auto& tensors, auto&) {
            tensors[name] = io::TensorData{"F32", {2}, std::vector<std::byte>(8)};
        });
        return path;
    };
    check_refused(add("dense3.weight"), {"tensor 'dense3.weight' does not belong to this model"});
    check_refused(add("optimizer.exp_avg.dense9.bias"),
                  {"tensor 'optimizer.exp_avg.dense9.bias' does not belong"});
    check_refused(add("optimizer.momentum_buffer.dense1.bias"),
                  {"tensor 'optimizer.momentum_buffer.dense1.bias' does not belong", "with its optimizer"});
    fs::remove_all(dir);
}

TEST_CASE("reliability/bad input: an architecture fingerprint that differs is refused naming both") {
    const auto dir = scratch_dir("ckpt-arch");
    const auto good = good_checkpoint(dir);
    // Same tensor names and shapes (ReLU -> Tanh), so only the fingerprint tells them apart.
    Model<SameShapes, cpu::Blas> other(1);
    CHECK_THROWS_PARTS(io::IoError, io::load_checkpoint(good, other), good.string(), "architecture differs",
                       Net::fingerprint(), SameShapes::fingerprint());
    // An edited fingerprint in the metadata is refused just the same.
    const auto edited = dir / "edited.safetensors";
    rewrite(good, edited, [](auto&, auto& metadata) { metadata["architecture"] = "Input[6] -> Dense<5>"; });
    check_refused(edited, {"architecture differs: checkpoint 'Input[6] -> Dense<5>'", Net::fingerprint()});
    // A tensor of another shape names the tensor and both shapes.
    const auto reshaped = dir / "reshaped.safetensors";
    rewrite(good, reshaped, [](auto& tensors, auto&) {
        tensors["dense1.bias"] = io::TensorData{"F32", {6}, std::vector<std::byte>(24)};
    });
    check_refused(reshaped, {"tensor 'dense1.bias': shape [6], expected [5]"});
    fs::remove_all(dir);
}

TEST_CASE("reliability/bad input: no or the wrong optimizer state, bad counters and counts") {
    const auto dir = scratch_dir("ckpt-optimizer");
    const auto good = good_checkpoint(dir);
    const auto weights_only = dir / "weights.safetensors";
    {
        M model(3);
        io::save_checkpoint(weights_only, model, {});
    }
    check_refused(weights_only, {"holds no optimizer state", "cannot resume with 'adam'"});
    const auto sgd_path = dir / "sgd.safetensors";
    {
        M model(3);
        SGD::impl<cpu::Blas> sgd(SGD{.lr = 0.1f, .momentum = 0.9f}, Net::param_count);
        io::save_checkpoint(sgd_path, model, {}, &sgd);
    }
    check_refused(sgd_path, {"optimizer state is for 'sgd', not 'adam'"});

    const auto edit = [&](const std::string& name, auto f) {
        const auto path = dir / name;
        rewrite(good, path, f);
        return path;
    };
    check_refused(edit("counter-f32.safetensors",
                       [](auto& t, auto&) {
                           t["dropout1.counter"] = io::TensorData{"F32", {}, std::vector<std::byte>(4)};
                       }),
                  {"tensor 'dropout1.counter': dtype F32, expected U64"});
    check_refused(edit("counter-vector.safetensors",
                       [](auto& t, auto&) {
                           t["dropout1.counter"] = io::TensorData{"U64", {2}, std::vector<std::byte>(16)};
                       }),
                  {"tensor 'dropout1.counter': shape [2], expected []"});
    check_refused(edit("bad-epoch.safetensors", [](auto&, auto& m) { m["epoch"] = "-3"; }),
                  {"metadata 'epoch' is not a count: '-3'"});
    check_refused(
        edit("bad-steps.safetensors", [](auto&, auto& m) { m["optimizer.steps"] = "99999999999999999999"; }),
        {"metadata 'optimizer.steps' is not a count"});
    check_refused(edit("not-ctnn.safetensors", [](auto&, auto& m) { m.erase("format"); }),
                  {"not a ctnn checkpoint"});
    fs::remove_all(dir);
}

TEST_CASE("reliability/bad input: a NaN, an Inf or a negative variance in any loaded tensor is refused") {
    // Issue 15 #8: NaN in the optimizer state trained to 9.5% without a word. Parameters, state
    // and optimizer moments are all checked, by name, before anything is copied.
    const auto dir = scratch_dir("ckpt-non-finite");
    const auto good = good_checkpoint(dir);
    const auto with_value = [&](const std::string& file, const std::string& tensor, std::size_t index,
                                float value) {
        const auto path = dir / file;
        rewrite(good, path, [&](auto& t, auto&) {
            io::TensorData& data = t.at(tensor);
            REQUIRE(data.dtype == "F32");
            std::memcpy(data.bytes.data() + 4 * index, &value, 4);
        });
        return path;
    };
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    check_refused(with_value("param-nan.safetensors", "dense1.weight", 7, nan),
                  {"tensor 'dense1.weight': element 7 is NaN"});
    check_refused(with_value("bias-inf.safetensors", "dense2.bias", 2, -inf),
                  {"tensor 'dense2.bias': element 2 is -Inf"});
    check_refused(with_value("state-inf.safetensors", "batchnorm1.running_mean", 0, inf),
                  {"tensor 'batchnorm1.running_mean': element 0 is +Inf"});
    check_refused(with_value("variance-negative.safetensors", "batchnorm1.running_var", 4, -0.5f),
                  {"tensor 'batchnorm1.running_var': element 4 is -0.5", "must not be negative"});
    const auto moment_nan = with_value("moment-nan.safetensors", "optimizer.exp_avg.dense2.weight", 3, nan);
    check_refused(moment_nan, {"tensor 'optimizer.exp_avg.dense2.weight': element 3 is NaN"});
    check_refused(
        with_value("second-moment-negative.safetensors", "optimizer.exp_avg_sq.dense1.bias", 1, -1e-3f),
        {"tensor 'optimizer.exp_avg_sq.dense1.bias': element 1", "must not be negative"});
    check_refused(with_value("weights-nan.safetensors", "dense1.bias", 0, nan),
                  {"'dense1.bias': element 0 is NaN"},
                  /*with_optimizer=*/false);
    // An F64 value that overflows float is Inf once converted: refused too.
    const auto f64 = dir / "f64-overflow.safetensors";
    rewrite(good, f64, [](auto& t, auto&) {
        const io::TensorData& w = t.at("dense1.bias");
        std::vector<double> values = w.template as<double>();
        values[1] = 1e300;
        io::TensorData wide{"F64", w.shape, std::vector<std::byte>(values.size() * 8)};
        std::memcpy(wide.bytes.data(), values.data(), wide.bytes.size());
        t["dense1.bias"] = wide;
    });
    check_refused(f64, {"tensor 'dense1.bias': element 1 is +Inf"});
    // Weights only: the optimizer state is not loaded, so a NaN there does not matter.
    M weights(5);
    CHECK_NOTHROW(io::load_checkpoint(moment_nan, weights));
    fs::remove_all(dir);
}

TEST_CASE(
    "reliability/bad input: a cut-off or overwritten checkpoint is refused naming the file and tensor") {
    const auto dir = scratch_dir("ckpt-cut");
    const auto good = good_checkpoint(dir);
    const auto bytes = read_all(good);
    const auto write_prefix = [&](const std::string& name, std::size_t n) {
        const auto path = dir / name;
        std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(n));
        return path;
    };
    check_refused(write_prefix("cut-data.safetensors", bytes.size() - 4), {"tensor '", "exceed the"});
    check_refused(write_prefix("cut-header.safetensors", 100), {"header length", "exceeds the"});
    check_refused(write_prefix("cut-length.safetensors", 5), {"too short (5 bytes)"});
    const auto zeros = dir / "zeros.safetensors";
    std::ofstream(zeros, std::ios::binary)
        .write(std::vector<char>(bytes.size(), 0).data(), static_cast<std::streamsize>(bytes.size()));
    check_refused(zeros, {"header is not valid JSON"});
    check_refused(dir / "absent.safetensors", {"not a readable regular file"});
    fs::remove_all(dir);
}

TEST_SUITE_END();
