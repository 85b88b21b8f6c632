// io::write_npy: the exact bytes NumPy's format 1.0 expects (header padded to 64 bytes, ended by
// '\n', shape tuple spelled as numpy writes it) and the values after it.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <ctnn/io/npy.hpp>

namespace {

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("io::write_npy writes NumPy format 1.0 with the shape tuple and the float32 values") {
    const std::filesystem::path dir = CTNN_TEST_OUTPUT_DIR;
    const std::vector<float> values = {0.0f, -1.0f, 0.5f, 1.0f, 2.0f, 3.0f};
    struct Case {
        std::initializer_list<std::size_t> shape;
        const char* tuple;
    };
    for (const Case& c : {Case{{6}, "(6,)"}, Case{{3, 2}, "(3, 2)"}, Case{{1, 2, 3}, "(1, 2, 3)"}}) {
        const auto path = dir / "npy_test.npy";
        ctnn::io::write_npy(path, values.data(), c.shape);
        const std::string bytes = read_all(path);
        INFO(c.tuple);
        REQUIRE(bytes.size() >= 10);
        CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
        const std::size_t header_length =
            static_cast<unsigned char>(bytes[8]) |
            (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
        CHECK((10 + header_length) % 64 == 0);
        const std::string header = bytes.substr(10, header_length);
        CHECK(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': " + std::string(c.tuple) +
                                 ", }"));
        CHECK(header.back() == '\n');
        REQUIRE(bytes.size() == 10 + header_length + values.size() * sizeof(float));
        std::vector<float> back(values.size());
        std::memcpy(back.data(), bytes.data() + 10 + header_length, back.size() * sizeof(float));
        CHECK(back == values);
    }
}
