// MNIST: mnist::load(dir) finds the four IDX files (raw or .gz) or mnist_train.csv /
// mnist_test.csv in dir and returns {train, test} as N x 1 x 28 x 28 floats + int32 labels.
// mnist::load_idx and mnist::load_csv load one split; mnist::load_files one split from files of any
// name (an IDX pair, or a CSV). Image and label counts must agree,
// images must be 28 x 28 and labels 0-9; anything else throws DataError naming the file.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <ctnn/data/csv.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/idx.hpp>

namespace ctnn::data {

struct Mnist {
    Dataset train;  // 60000 in the original
    Dataset test;   // 10000 in the original
};

namespace mnist {

// One split from an IDX image file and an IDX label file (each raw or gzip).
inline Dataset load_idx(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                        Normalize normalize = Normalize::unit) {
    const auto images = read_idx_images(images_path);
    const auto labels = read_idx_labels(labels_path);
    const std::size_t n = images.shape()[0];
    if (images.shape()[1] != rows || images.shape()[2] != cols) {
        throw data::detail::data_error(images_path, "images are " + std::to_string(images.shape()[1]) +
                                                        " x " + std::to_string(images.shape()[2]) +
                                                        ", expected 28 x 28 (MNIST)");
    }
    if (n == 0) throw data::detail::data_error(images_path, "contains no images");
    if (labels.size() != n) {
        throw DataError(images_path.string() + " holds " + std::to_string(n) + " images but " +
                        labels_path.string() + " holds " + std::to_string(labels.size()) +
                        " labels: image and label counts disagree");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (labels(i) >= classes) {
            throw data::detail::data_error(labels_path, "label " + std::to_string(labels(i)) + " at index " +
                                                            std::to_string(i) + " is outside 0-9");
        }
    }
    Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({n, 1, rows, cols});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({n});
    const auto table = data::detail::pixel_table(normalize);
    std::transform(images.begin(), images.end(), d.images.data(), [&](std::uint8_t p) { return table[p]; });
    std::transform(labels.begin(), labels.end(), d.labels.data(),
                   [](std::uint8_t l) { return static_cast<std::int32_t>(l); });
    return d;
}

// One split from a CSV file in the MNIST layout (see csv.hpp).
inline Dataset load_csv(const std::filesystem::path& path, Normalize normalize = Normalize::unit) {
    return read_mnist_csv(path, normalize);
}

// One split from files of any name: an IDX image file and its IDX label file, or, with `labels`
// empty, a CSV file in the MNIST layout. An IDX image file given alone is refused naming it (its
// labels are in another file).
inline Dataset load_files(const std::filesystem::path& file, const std::filesystem::path& labels = {},
                          Normalize normalize = Normalize::unit) {
    if (!labels.empty()) return load_idx(file, labels, normalize);
    const FileBytes bytes = read_bytes(file);
    const auto& b = bytes.bytes;
    if (b.size() >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0x08 && (b[3] == 3 || b[3] == 1))
        throw data::detail::data_error(file,
                                       std::string("is an IDX ") + (b[3] == 3 ? "image" : "label") +
                                           " file, not a CSV; an IDX split needs its image file and its "
                                           "label file");
    return data::detail::parse_mnist_csv(bytes, file, normalize);
}

}  // namespace mnist

namespace detail {

// The names an MNIST IDX file goes by: as published, gzipped, and with the '.' some
// unpackers put before "idx" ("train-images.idx3-ubyte").
inline std::vector<std::string> mnist_idx_names(const std::string& name) {
    std::string dotted = name;
    dotted[dotted.find("-idx")] = '.';
    return {name, name + ".gz", dotted, dotted + ".gz"};
}

inline std::optional<std::filesystem::path> find_first(const std::filesystem::path& dir,
                                                       const std::vector<std::string>& names) {
    for (const auto& name : names) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(dir / name, ec)) return dir / name;
    }
    return std::nullopt;
}

inline std::string join(const std::vector<std::string>& names, const char* sep = ", ") {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : sep) + n;
    return s;
}

// Where one split of MNIST lives in a directory: an IDX pair, or a CSV file.
struct MnistFiles {
    std::optional<std::filesystem::path> images, labels, csv;
    std::string looked_for;  // the names tried, for error messages

    bool found() const { return (images && labels) || csv; }
    Dataset load(Normalize normalize) const {
        return images ? mnist::load_idx(*images, *labels, normalize) : mnist::load_csv(*csv, normalize);
    }
};

// Finds split `prefix` ("train" or "t10k") in dir; a lone image or label file is an error.
inline MnistFiles find_mnist_files(const std::filesystem::path& dir, const std::string& prefix,
                                   const std::string& csv_name) {
    const auto image_names = mnist_idx_names(prefix + "-images-idx3-ubyte");
    const auto label_names = mnist_idx_names(prefix + "-labels-idx1-ubyte");
    const std::vector<std::string> csv_names = {csv_name, csv_name + ".gz"};
    MnistFiles f;
    f.images = find_first(dir, image_names);
    f.labels = find_first(dir, label_names);
    if (f.images.has_value() != f.labels.has_value()) {
        const auto& missing = f.images ? label_names : image_names;
        throw data_error(dir, "found " + (f.images ? *f.images : *f.labels).filename().string() +
                                  " but not its " + (f.images ? "labels" : "images") + " (looked for " +
                                  join(missing) + ")");
    }
    if (!f.images) f.csv = find_first(dir, csv_names);
    f.looked_for = "(" + join(image_names, " | ") + ") + (" + join(label_names, " | ") + "), or " +
                   join(csv_names, " | ");
    return f;
}

}  // namespace detail

namespace mnist {

// The training and test sets in dir: IDX files as published (or gzipped), else CSV. Both
// splits are located before either is read, so a missing file is reported at once.
inline Mnist load(const std::filesystem::path& dir, Normalize normalize = Normalize::unit) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw data::detail::data_error(
            dir, std::filesystem::exists(dir, ec) ? "is not a directory" : "MNIST directory not found");
    }
    const auto train = data::detail::find_mnist_files(dir, "train", "mnist_train.csv");
    const auto test = data::detail::find_mnist_files(dir, "t10k", "mnist_test.csv");
    if (!train.found() && !test.found()) {
        throw data::detail::data_error(dir, "no MNIST files found; looked for the training set as " +
                                                train.looked_for + "; and the test set as " +
                                                test.looked_for + " (scripts/fetch-mnist.sh downloads them)");
    }
    if (!train.found()) {
        throw data::detail::data_error(
            dir, "found the test set but no training set; looked for " + train.looked_for);
    }
    if (!test.found()) {
        throw data::detail::data_error(
            dir, "found the training set but no test set; looked for " + test.looked_for);
    }
    return {train.load(normalize), test.load(normalize)};
}

}  // namespace mnist
}  // namespace ctnn::data
