// Tests for ctnn/data/idx.hpp (and the raw/gzip reading of ctnn/data/file.hpp): tiny IDX
// files written to a temporary directory, parsed correctly raw and gzipped, and every kind
// of damaged file rejected with a DataError naming the file and the problem.
#include <ctnn/data/idx.hpp>

#include "helpers.hpp"

using namespace ctnn::data;
using namespace ctnn::data::test;

namespace {

constexpr std::uint32_t images_magic = 0x00000803, labels_magic = 0x00000801;

Bytes iota_bytes(std::size_t n, std::uint8_t first = 0) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(first + 17 * i);
    return b;
}

}  // namespace

TEST_SUITE_BEGIN("data");
TEST_CASE("data/idx: reads raw images and labels") {
    TempDir dir;
    const Bytes pixels = iota_bytes(2 * 2 * 3);
    write_file(dir / "images-idx3-ubyte", idx_bytes(images_magic, {2, 2, 3}, pixels));
    write_file(dir / "labels-idx1-ubyte", idx_bytes(labels_magic, {4}, {7, 0, 9, 3}));

    const auto images = read_idx_images(dir / "images-idx3-ubyte");
    REQUIRE(images.shape()[0] == 2);
    REQUIRE(images.shape()[1] == 2);
    REQUIRE(images.shape()[2] == 3);
    CHECK(images(0, 0, 0) == pixels[0]);
    CHECK(images(0, 1, 2) == pixels[5]);
    CHECK(images(1, 0, 1) == pixels[7]);
    CHECK(images(1, 1, 2) == pixels[11]);

    const auto labels = read_idx_labels(dir / "labels-idx1-ubyte");
    REQUIRE(labels.size() == 4);
    CHECK(labels(0) == 7);
    CHECK(labels(2) == 9);
    CHECK(labels(3) == 3);
}

TEST_CASE("data/idx: reads gzip files (detected by magic, not by name) and concatenated gzip members") {
    TempDir dir;
    const Bytes file = idx_bytes(images_magic, {3, 4, 5}, iota_bytes(3 * 4 * 5, 1));
    write_file(dir / "plain", file);
    write_file(dir / "images.gz", gzip_bytes(file));
    write_file(dir / "no-extension", gzip_bytes(file));
    const Bytes head(file.begin(), file.begin() + 20), tail(file.begin() + 20, file.end());
    Bytes two_members = gzip_bytes(head);
    const Bytes second = gzip_bytes(tail);
    two_members.insert(two_members.end(), second.begin(), second.end());
    write_file(dir / "two-members.gz", two_members);

    const auto expected = read_idx_images(dir / "plain");
    CHECK(read_idx_images(dir / "images.gz") == expected);
    CHECK(read_idx_images(dir / "no-extension") == expected);
    CHECK(read_idx_images(dir / "two-members.gz") == expected);

    write_file(dir / "labels.gz", gzip_bytes(idx_bytes(labels_magic, {3}, {1, 2, 3})));
    const auto labels = read_idx_labels(dir / "labels.gz");
    REQUIRE(labels.size() == 3);
    CHECK(labels(2) == 3);
}

TEST_CASE("data/idx: a dataset of zero images is a valid IDX file") {
    TempDir dir;
    write_file(dir / "zero", idx_bytes(images_magic, {0, 28, 28}, {}));
    CHECK(read_idx_images(dir / "zero").shape()[0] == 0);
}

TEST_CASE("data/idx: missing, directory and empty files") {
    TempDir dir;
    CHECK_DATA_ERROR(read_idx_images(dir / "nope-idx3-ubyte"), "nope-idx3-ubyte", "file not found");
    CHECK_DATA_ERROR(read_idx_labels(dir.path()), dir.path().string(), "is a directory");
    write_file(dir / "empty-idx3-ubyte", {});
    CHECK_DATA_ERROR(read_idx_images(dir / "empty-idx3-ubyte"), "empty-idx3-ubyte", "file is empty");
    write_file(dir / "empty.gz", gzip_bytes({}));
    CHECK_DATA_ERROR(read_idx_images(dir / "empty.gz"), "empty.gz",
                     "file is empty (after gzip decompression)");
}

TEST_CASE("data/idx: wrong magic numbers") {
    TempDir dir;
    write_file(dir / "short", {0, 0, 8});
    CHECK_DATA_ERROR(read_idx_images(dir / "short"), "short", "too short for an IDX file: 3 bytes");

    write_file(dir / "text.csv", Bytes{'l', 'a', 'b', 'e', 'l', ',', '1'});
    CHECK_DATA_ERROR(read_idx_images(dir / "text.csv"), "text.csv", "not an IDX file",
                     "wrong magic number 0x6c616265", "expected 0x00000803");

    write_file(dir / "labels-idx1-ubyte", idx_bytes(labels_magic, {2}, {1, 2}));
    CHECK_DATA_ERROR(read_idx_images(dir / "labels-idx1-ubyte"), "labels-idx1-ubyte",
                     "wrong magic number 0x00000801", "rank 1 (labels), expected rank 3 (images)",
                     "expected magic 0x00000803");

    write_file(dir / "images-idx3-ubyte", idx_bytes(images_magic, {1, 1, 1}, {1}));
    CHECK_DATA_ERROR(read_idx_labels(dir / "images-idx3-ubyte"), "images-idx3-ubyte",
                     "wrong magic number 0x00000803", "expected magic 0x00000801");

    write_file(dir / "floats", idx_bytes(0x00000D03, {1, 1, 1}, {0, 0, 0, 0}));
    CHECK_DATA_ERROR(read_idx_images(dir / "floats"), "floats", "wrong magic number 0x00000d03",
                     "data type 0x0d (float) is not supported, expected 0x08 (unsigned byte)");
}

TEST_CASE("data/idx: truncated header and data, trailing garbage") {
    TempDir dir;
    write_file(dir / "half-header", idx_bytes(images_magic, {5, 28}, {}));
    CHECK_DATA_ERROR(read_idx_images(dir / "half-header"), "half-header", "truncated header",
                     "rank 3 is 16 bytes, the file has 12");

    write_file(dir / "cut-idx3-ubyte", idx_bytes(images_magic, {2, 2, 3}, iota_bytes(10)));
    CHECK_DATA_ERROR(read_idx_images(dir / "cut-idx3-ubyte"), "cut-idx3-ubyte", "truncated data",
                     "dimensions 2 x 2 x 3 need 12 bytes, but only 10 bytes follow the 16-byte header");

    write_file(dir / "cut-labels", idx_bytes(labels_magic, {60000}, iota_bytes(59990)));
    CHECK_DATA_ERROR(read_idx_labels(dir / "cut-labels"), "cut-labels", "truncated data",
                     "dimensions 60000 need 60000 bytes, but only 59990 bytes");

    write_file(dir / "long-idx3-ubyte", idx_bytes(images_magic, {2, 2, 3}, iota_bytes(15)));
    CHECK_DATA_ERROR(read_idx_images(dir / "long-idx3-ubyte"), "long-idx3-ubyte", "trailing garbage",
                     "dimensions 2 x 2 x 3 need 12 bytes, but 15 bytes follow", "(3 extra)");
}

TEST_CASE("data/idx: huge dimensions in a small file are rejected before any allocation") {
    TempDir dir;
    write_file(dir / "huge", idx_bytes(images_magic, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, iota_bytes(4)));
    CHECK_DATA_ERROR(read_idx_images(dir / "huge"), "huge", "truncated data",
                     "4294967295 x 4294967295 x 4294967295 need more than 2^64 bytes, but only 4 bytes",
                     "dimensions disagree with the file size");
    write_file(dir / "big", idx_bytes(images_magic, {60000, 28, 28}, iota_bytes(784)));
    CHECK_DATA_ERROR(read_idx_images(dir / "big"), "big",
                     "60000 x 28 x 28 need 47040000 bytes, but only 784 bytes");
}

TEST_CASE("data/idx: damaged gzip files") {
    TempDir dir;
    const Bytes file = idx_bytes(images_magic, {2, 4, 4}, iota_bytes(32));
    const Bytes gz = gzip_bytes(file);

    Bytes cut(gz.begin(), gz.end() - 12);
    write_file(dir / "cut.gz", cut);
    CHECK_DATA_ERROR(read_idx_images(dir / "cut.gz"), "cut.gz", "truncated gzip stream");

    Bytes bad_crc = gz;
    bad_crc[bad_crc.size() - 8] ^= 0xFF;  // the CRC-32 trailer
    write_file(dir / "bad-crc.gz", bad_crc);
    CHECK_DATA_ERROR(read_idx_images(dir / "bad-crc.gz"), "bad-crc.gz", "corrupt gzip data",
                     "incorrect data check");

    write_file(dir / "bad-header.gz", Bytes{0x1f, 0x8b, 0x42, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3});
    CHECK_DATA_ERROR(read_idx_images(dir / "bad-header.gz"), "bad-header.gz", "corrupt gzip data");

    Bytes garbage = gz;
    garbage.insert(garbage.end(), {'x', 'y', 'z'});
    write_file(dir / "garbage.gz", garbage);
    CHECK_DATA_ERROR(read_idx_images(dir / "garbage.gz"), "garbage.gz", "trailing garbage",
                     "3 bytes after the end of the gzip stream");

    write_file(dir / "inner-cut.gz", gzip_bytes(Bytes(file.begin(), file.end() - 5)));
    CHECK_DATA_ERROR(read_idx_images(dir / "inner-cut.gz"), "inner-cut.gz", "truncated data",
                     "need 32 bytes, but only 27 bytes follow the 16-byte header (after gzip decompression)");
}

TEST_CASE("data/idx: size limits hold for raw files and while decompressing") {
    TempDir dir;
    const Bytes file = idx_bytes(images_magic, {1024, 32, 32}, Bytes(1024 * 32 * 32, 0));
    write_file(dir / "zeros.gz", gzip_bytes(file));  // ~1 MiB in, about a kilobyte on disk
    CHECK(read_idx_images(dir / "zeros.gz").size() == 1024 * 32 * 32);
    CHECK_DATA_ERROR(read_idx_images(dir / "zeros.gz", 65536), "zeros.gz",
                     "gzip data decompresses to more than the limit of 65536 bytes");
    write_file(dir / "zeros", file);
    CHECK_DATA_ERROR(read_idx_images(dir / "zeros", 65536), "zeros", "over the limit of 65536 bytes");
}

TEST_SUITE_END();
