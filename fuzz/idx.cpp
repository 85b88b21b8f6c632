// libFuzzer harness: the IDX reader (ctnn/data/idx.hpp) on arbitrary bytes, raw or gzip, read
// both as an image file and as a label file. A parsed tensor or a DataError is fine; anything
// else is a finding: a crash, a sanitizer report, another exception, a leak, a tensor whose
// size disagrees with the bytes, or an allocation beyond what the input and the limit allow.
#include <ctnn/data/idx.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace {
// Decompressed bytes allowed: large enough for real headers and data, small enough that a
// gzip bomb stays far below libFuzzer's memory limit.
constexpr std::size_t limit = std::size_t{1} << 22;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    try {
        const auto images = ctnn::data::read_idx_images_bytes(bytes, "fuzz-images", limit);
        // Exactly the bytes after the 16-byte header, never more than the decompression limit.
        if (images.size() > limit) __builtin_trap();
        if (images.shape()[0] * images.shape()[1] * images.shape()[2] != images.size()) __builtin_trap();
    } catch (const ctnn::data::DataError&) {
    }
    try {
        const auto labels = ctnn::data::read_idx_labels_bytes(bytes, "fuzz-labels", limit);
        if (labels.size() > limit) __builtin_trap();
    } catch (const ctnn::data::DataError&) {
    }
    return 0;
}
