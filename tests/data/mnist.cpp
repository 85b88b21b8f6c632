// Tests for ctnn/data/mnist.hpp: finding and loading tiny MNIST directories (raw IDX, .gz,
// dotted names, CSV), the cross-file checks (counts, 28 x 28, labels 0-9), clear errors when
// files are missing, and the real MNIST files when CTNN_MNIST_DIR points at them.
#include <ctnn/data/mnist.hpp>

#include "helpers.hpp"

#include <algorithm>
#include <cmath>

using namespace ctnn::data;
using namespace ctnn::data::test;

namespace {

constexpr std::uint32_t images_magic = 0x00000803, labels_magic = 0x00000801;

// n images of rows x cols; pixel k of image i is (i * 31 + k) % 256. Labels are given.
Bytes images_file(std::uint32_t n, std::uint32_t rows = 28, std::uint32_t cols = 28) {
    Bytes px(std::size_t{n} * rows * cols);
    for (std::size_t i = 0; i < px.size(); ++i) {
        const std::size_t image = i / (rows * cols), k = i % (rows * cols);
        px[i] = static_cast<std::uint8_t>((image * 31 + k) % 256);
    }
    return idx_bytes(images_magic, {n, rows, cols}, px);
}
Bytes labels_file(const Bytes& labels) {
    return idx_bytes(labels_magic, {static_cast<std::uint32_t>(labels.size())}, labels);
}

void write_split(const TempDir& dir, const std::string& prefix, std::uint32_t n,
                 const std::string& suffix = "", bool gz = false) {
    Bytes labels(n);
    for (std::uint32_t i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>((i * 3 + 1) % 10);
    const Bytes images = images_file(n), label_bytes = labels_file(labels);
    write_file(dir / (prefix + "-images-idx3-ubyte" + suffix), gz ? gzip_bytes(images) : images);
    write_file(dir / (prefix + "-labels-idx1-ubyte" + suffix), gz ? gzip_bytes(label_bytes) : label_bytes);
}

void check_tiny(const Mnist& m, float lo, float hi) {
    REQUIRE(m.train.size() == 3);
    REQUIRE(m.test.size() == 2);
    CHECK(m.train.images.shape() == std::array<std::size_t, 4>{3, 1, 28, 28});
    CHECK(m.test.images.shape() == std::array<std::size_t, 4>{2, 1, 28, 28});
    CHECK(m.train.labels(0) == 1);
    CHECK(m.train.labels(1) == 4);
    CHECK(m.train.labels(2) == 7);
    // Image 1, pixel k = 5 * 28 + 3: (31 + 143) % 256 = 174.
    CHECK(m.train.images(1, 0, 5, 3) == doctest::Approx(lo + (hi - lo) * 174.0f / 255.0f));
    CHECK(m.train.images(0, 0, 0, 0) == lo);
    CHECK(m.train.images(0, 0, 9, 3) == hi);  // pixel 255
}

}  // namespace

TEST_SUITE_BEGIN("data");

TEST_CASE("data/mnist: loads a directory of raw IDX files, in each normalisation") {
    TempDir dir;
    write_split(dir, "train", 3);
    write_split(dir, "t10k", 2);
    check_tiny(mnist::load(dir.path()), 0.0f, 1.0f);
    check_tiny(mnist::load(dir.path(), Normalize::symmetric), -1.0f, 1.0f);
    check_tiny(mnist::load(dir.path(), Normalize::none), 0.0f, 255.0f);
}

TEST_CASE("data/mnist: loads .gz and dotted IDX names, and CSV") {
    TempDir gz, dotted, csv;
    write_split(gz, "train", 3, ".gz", true);
    write_split(gz, "t10k", 2, ".gz", true);
    check_tiny(mnist::load(gz.path()), 0.0f, 1.0f);

    write_split(dotted, "train", 3);
    write_split(dotted, "t10k", 2);
    for (const auto* name : {"train-images", "train-labels", "t10k-images", "t10k-labels"}) {
        const std::string kind = std::string(name).find("images") != std::string::npos ? "idx3" : "idx1";
        fs::rename(dotted / (std::string(name) + "-" + kind + "-ubyte"),
                   dotted / (std::string(name) + "." + kind + "-ubyte"));
    }
    check_tiny(mnist::load(dotted.path()), 0.0f, 1.0f);

    // The same images as CSV: label, then the pixels.
    const auto to_csv = [](const Dataset& d) {
        std::string text = "label";
        for (std::size_t k = 0; k < 784; ++k) text += ",px" + std::to_string(k);
        text += "\n";
        for (std::size_t i = 0; i < d.size(); ++i) {
            text += std::to_string(d.labels(i));
            for (std::size_t k = 0; k < 784; ++k)
                text += "," + std::to_string(int(d.images.data()[i * 784 + k]));
            text += "\n";
        }
        return text;
    };
    const Mnist raw = mnist::load(dotted.path(), Normalize::none);
    write_text(csv / "mnist_train.csv", to_csv(raw.train));
    write_text(csv / "mnist_test.csv", to_csv(raw.test));
    const Mnist from_csv = mnist::load(csv.path());
    check_tiny(from_csv, 0.0f, 1.0f);
    CHECK(from_csv.train.images == mnist::load(dotted.path()).train.images);
    CHECK(mnist::load_csv(csv / "mnist_test.csv", Normalize::none).images == raw.test.images);
}

TEST_CASE("data/mnist: load_idx checks counts, image size, labels and emptiness") {
    TempDir dir;
    write_file(dir / "imgs", images_file(3));
    write_file(dir / "two-labels", labels_file({1, 2}));
    CHECK_DATA_ERROR(mnist::load_idx(dir / "imgs", dir / "two-labels"), "imgs holds 3 images",
                     "two-labels holds 2 labels", "image and label counts disagree");

    write_file(dir / "bad-labels", labels_file({1, 10, 2}));
    CHECK_DATA_ERROR(mnist::load_idx(dir / "imgs", dir / "bad-labels"), "bad-labels",
                     "label 10 at index 1 is outside 0-9");

    write_file(dir / "big-imgs", images_file(3, 32, 32));
    write_file(dir / "labels", labels_file({1, 2, 3}));
    CHECK_DATA_ERROR(mnist::load_idx(dir / "big-imgs", dir / "labels"), "big-imgs",
                     "images are 32 x 32, expected 28 x 28");

    write_file(dir / "no-imgs", images_file(0));
    write_file(dir / "no-labels", labels_file({}));
    CHECK_DATA_ERROR(mnist::load_idx(dir / "no-imgs", dir / "no-labels"), "no-imgs", "contains no images");

    CHECK_DATA_ERROR(mnist::load_idx(dir / "labels", dir / "labels"), "labels",
                     "wrong magic number 0x00000801");
    const Dataset ok = mnist::load_idx(dir / "imgs", dir / "labels");
    CHECK(ok.size() == 3);
    CHECK(ok.labels(2) == 3);
}

TEST_CASE("data/mnist: missing directories and files are named, with what was looked for") {
    TempDir dir;
    CHECK_DATA_ERROR(mnist::load(dir / "absent"), "absent", "MNIST directory not found");
    write_text(dir / "a-file", "x");
    CHECK_DATA_ERROR(mnist::load(dir / "a-file"), "a-file", "is not a directory");
    CHECK_DATA_ERROR(mnist::load(dir.path()), dir.path().string(), "no MNIST files found",
                     "train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images.idx3-ubyte",
                     "mnist_train.csv", "mnist_test.csv");

    write_split(dir, "train", 3);
    CHECK_DATA_ERROR(mnist::load(dir.path()), "found the training set but no test set",
                     "t10k-images-idx3-ubyte | t10k-images-idx3-ubyte.gz", "mnist_test.csv");

    write_file(dir / "t10k-images-idx3-ubyte.gz", gzip_bytes(images_file(2)));
    CHECK_DATA_ERROR(mnist::load(dir.path()), "found t10k-images-idx3-ubyte.gz but not its labels",
                     "t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz");

    write_file(dir / "t10k-labels-idx1-ubyte", labels_file({1, 2, 3}));
    CHECK_DATA_ERROR(mnist::load(dir.path()), "t10k-images-idx3-ubyte.gz holds 2 images",
                     "t10k-labels-idx1-ubyte holds 3 labels");

    write_file(dir / "t10k-labels-idx1-ubyte", labels_file({1, 2}));
    CHECK(mnist::load(dir.path()).test.size() == 2);
    fs::remove(dir / "train-images-idx3-ubyte");
    fs::remove(dir / "train-labels-idx1-ubyte");
    CHECK_DATA_ERROR(mnist::load(dir.path()), "found the test set but no training set");
}

TEST_CASE("data/mnist: the real MNIST files (CTNN_MNIST_DIR)") {
#ifdef CTNN_MNIST_DIR
    const fs::path dir = CTNN_MNIST_DIR;
#else
    const fs::path dir;
#endif
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec) ||
        !detail::find_mnist_files(dir, "train", "mnist_train.csv").found() ||
        !detail::find_mnist_files(dir, "t10k", "mnist_test.csv").found()) {
        MESSAGE("skipped: no MNIST files at " << (dir.empty() ? std::string("CTNN_MNIST_DIR (not defined)")
                                                              : "CTNN_MNIST_DIR=" + dir.string())
                                              << " (scripts/fetch-mnist.sh fetches them)");
        return;
    }
    const Mnist m = mnist::load(dir);
    REQUIRE(m.train.size() == 60000);
    REQUIRE(m.test.size() == 10000);
    CHECK(m.train.images.shape() == std::array<std::size_t, 4>{60000, 1, 28, 28});
    CHECK(m.test.images.shape() == std::array<std::size_t, 4>{10000, 1, 28, 28});
    CHECK(m.train.labels(0) == 5);
    CHECK(m.train.labels(1) == 0);
    CHECK(m.test.labels(0) == 7);
    const auto [lo, hi] = std::minmax_element(m.train.images.begin(), m.train.images.end());
    CHECK(*lo == 0.0f);
    CHECK(*hi == 1.0f);
    std::array<std::size_t, 10> counts{};
    for (const auto label : m.train.labels) ++counts[static_cast<std::size_t>(label)];
    CHECK(counts[1] == 6742);  // the most frequent digit of the training set
    CHECK(counts[5] == 5421);  // the least frequent

    // The test set gzipped round-trips to the same values.
    const auto t10k = detail::find_mnist_files(dir, "t10k", "mnist_test.csv");
    if (t10k.images && t10k.images->extension() != ".gz") {
        TempDir gz;
        write_file(gz / "images.gz", gzip_bytes(read_bytes(*t10k.images).bytes, Z_BEST_SPEED));
        write_file(gz / "labels.gz", gzip_bytes(read_bytes(*t10k.labels).bytes, Z_BEST_SPEED));
        const Dataset again = mnist::load_idx(gz / "images.gz", gz / "labels.gz", Normalize::symmetric);
        CHECK(again.labels == m.test.labels);
        std::size_t differ = 0;
        for (std::size_t i = 0; i < again.images.size(); ++i)
            differ += std::abs(again.images.data()[i] - (m.test.images.data()[i] * 2.0f - 1.0f)) > 1e-6f;
        CHECK(differ == 0);
    }
}

TEST_SUITE_END();
