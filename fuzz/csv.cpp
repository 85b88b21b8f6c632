// libFuzzer harness: the MNIST CSV reader (ctnn/data/csv.hpp) on arbitrary bytes, raw or gzip.
// A dataset or a DataError is fine; a crash, sanitizer report, other exception or leak is a
// finding, and so is a dataset that breaks the format's promises (28 x 28, labels 0-9,
// pixels in [0, 1] for Normalize::unit, one row per label).
#include <ctnn/data/csv.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto d = ctnn::data::read_mnist_csv_bytes(std::span(data, size), "fuzz.csv",
                                                        ctnn::data::Normalize::unit, std::size_t{1} << 22);
        if (d.size() == 0 || d.images.shape()[0] != d.size() || d.sample_size() != 784) __builtin_trap();
        for (const auto label : d.labels)
            if (label < 0 || label > 9) __builtin_trap();
        for (const float p : d.images)
            if (!(p >= 0.0f && p <= 1.0f)) __builtin_trap();
    } catch (const ctnn::data::DataError&) {
    }
    return 0;
}
