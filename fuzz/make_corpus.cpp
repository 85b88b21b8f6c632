// Writes the committed seed corpora under fuzz/corpus/<harness>/ (run from the repository
// root after a format change: build-fuzz/fuzz_make_corpus; scripts/fuzz.sh builds it). Small
// valid files of every kind each reader accepts, plus a few near misses, made with ctnn's
// own writers so they follow the code.
#include <zlib.h>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/train/checkpoint.hpp>

#include "checkpoint_model.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
using namespace ctnn;

namespace {

void write(const fs::path& path, const void* data, std::size_t n) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
    std::printf("%s (%zu bytes)\n", path.c_str(), n);
}
void write(const fs::path& path, const Bytes& b) {
    write(path, b.data(), b.size());
}
void write(const fs::path& path, const std::string& s) {
    write(path, s.data(), s.size());
}

void append_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

// An IDX image: magic, big-endian dimensions, then data_bytes of data.
Bytes idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims, std::size_t data_bytes) {
    Bytes b;
    append_be32(b, magic);
    for (const std::uint32_t d : dims) append_be32(b, d);
    for (std::size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 % 256));
    return b;
}

Bytes gzip(const Bytes& in) {
    z_stream zs{};
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    Bytes out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

std::string csv_row(int label, int seed, std::size_t pixels = 784) {
    std::string s = std::to_string(label);
    for (std::size_t k = 0; k < pixels; ++k) s += "," + std::to_string((seed + k * k) % 256);
    return s;
}

}  // namespace

int main() {
    const fs::path root = "fuzz/corpus";
    // IDX
    write(root / "idx/images-2x3x3", idx(0x803, {2, 3, 3}, 18));
    write(root / "idx/images-mnist-1", idx(0x803, {1, 28, 28}, 784));
    write(root / "idx/labels-5", idx(0x801, {5}, 5));
    write(root / "idx/images-zero", idx(0x803, {0, 28, 28}, 0));
    write(root / "idx/images-2x3x3.gz", gzip(idx(0x803, {2, 3, 3}, 18)));
    const Bytes labels4 = idx(0x801, {4}, 4);
    Bytes members = gzip(Bytes(labels4.begin(), labels4.begin() + 6));  // `cat a.gz b.gz`
    const Bytes tail = gzip(Bytes(labels4.begin() + 6, labels4.end()));
    members.insert(members.end(), tail.begin(), tail.end());
    write(root / "idx/labels-two-members.gz", members);
    write(root / "idx/images-truncated", idx(0x803, {3, 4, 4}, 40));
    write(root / "idx/floats-rank3", idx(0xD03, {1, 1, 1}, 4));
    // CSV
    const std::string header = [] {
        std::string s = "label";
        for (int r = 1; r <= 28; ++r)
            for (int c = 1; c <= 28; ++c) s += "," + std::to_string(r) + "x" + std::to_string(c);
        return s;
    }();
    write(root / "csv/header-and-row.csv", header + "\n" + csv_row(7, 3) + "\n");
    write(root / "csv/two-rows-crlf.csv", csv_row(0, 1) + "\r\n" + csv_row(9, 200) + "\r\n");
    const std::string one = csv_row(4, 9) + "\n";
    write(root / "csv/row.csv.gz", gzip(Bytes(one.begin(), one.end())));
    write(root / "csv/short-row.csv", csv_row(1, 5, 100) + "\n");
    // a byte order mark, a quoted label, float-notation label and pixel (each once lost as a header)
    std::string quoted = csv_row(3, 7);
    quoted.replace(0, 1, "\"3\"");
    std::string floats = csv_row(6, 2);
    floats.replace(0, 1, "6.0");
    write(root / "csv/bom-quoted-float.csv", "\xEF\xBB\xBF" + quoted + "\n" + floats + "\n");

    // safetensors
    const std::vector<float> f32{1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -0.0f};
    const std::vector<double> f64{0.1, -1e300};
    const std::vector<std::int64_t> i64{9007199254740993LL, -1};
    const std::vector<std::uint8_t> u8{0, 1, 255};
    const std::vector<std::uint16_t> half{0x3c00, 0xc040, 0x7c00};
    const std::vector<float> none;
    const auto st = io::to_safetensors_bytes(
        {io::tensor_ref("w", f32, {2, 3}), io::tensor_ref("m", f64), io::tensor_ref("step", i64),
         io::tensor_ref("pixels", u8), io::TensorRef{"half", "F16", {3}, half.data(), 6},
         io::TensorRef{"brain", "BF16", {3}, half.data(), 6}, io::tensor_ref("empty", none, {0, 4})},
        {{"format", "pt"}, {"note", "seed"}});
    write(root / "safetensors/dtypes.safetensors", st.data(), st.size());
    const auto small = io::to_safetensors_bytes({io::tensor_ref("x", std::vector<float>{1, 2})});
    write(root / "safetensors/small.safetensors", small.data(), small.size());
    const auto empty = io::to_safetensors_bytes({});
    write(root / "safetensors/empty.safetensors", empty.data(), empty.size());
    // 2,000 entries in one header (the parser is linear in them; the unit test times 100,000),
    // the last one repeating a key: the whole header is read before that is refused.
    std::vector<float> many_values(2000, 0.5f);
    std::vector<io::TensorRef> many;
    for (std::size_t i = 0; i < many_values.size(); ++i)
        many.push_back(io::tensor_ref("t" + std::to_string(i), std::span(many_values).subspan(i, 1)));
    const auto many_bytes = io::to_safetensors_bytes(many);
    write(root / "safetensors/many-entries.safetensors", many_bytes.data(), many_bytes.size());
    std::string repeated(reinterpret_cast<const char*>(many_bytes.data()), many_bytes.size());
    const std::size_t last = repeated.rfind("\"t1999\"");
    repeated.replace(last, 7, "\"t1998\"");
    write(root / "safetensors/many-entries-repeated-key.safetensors", repeated.data(), repeated.size());
    const fs::path reference = "tests/fixtures/io/reference.safetensors";
    if (fs::exists(reference))
        fs::copy_file(reference, root / "safetensors/reference.safetensors",
                      fs::copy_options::overwrite_existing);
    // checkpoints of the checkpoint harness's model (keep Net in step with fuzz/checkpoint.cpp)
    using ctnn::fuzz::Net;
    Model<Net, cpu::Blas> model(7);
    Adam::impl<cpu::Blas> adam(Adam{}, Net::param_count);
    const std::vector<float> x(8, 0.5f), dout(4, 0.1f);
    model.forward(x.data(), 2);
    model.backward(dout.data());
    adam.step(model.parameters(), model.gradients());
    fs::create_directories(root / "checkpoint");
    io::save_checkpoint(root / "checkpoint/adam.safetensors", model, {.epoch = 1, .step = 3, .extra = {}},
                        &adam);
    io::save_checkpoint(root / "checkpoint/weights-only.safetensors", model,
                        {.epoch = 2, .step = 4, .extra = {}});
    std::printf("%s/checkpoint: adam.safetensors weights-only.safetensors\n", root.c_str());
    return 0;
}
