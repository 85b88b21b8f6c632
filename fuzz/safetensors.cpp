// libFuzzer harness: read_safetensors_bytes (ctnn/io/safetensors.hpp) on arbitrary bytes. A
// parsed file or an IoError is fine; a crash, sanitizer report, other exception or leak is a
// finding. What parses must also convert (every tensor to double) and round-trip: written
// back with to_safetensors_bytes and read again, it holds the same tensors and metadata.
#include <ctnn/io/safetensors.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace ctnn::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    SafetensorsFile file;
    try {
        file = read_safetensors_bytes(std::as_bytes(std::span(data, size)), "fuzz.safetensors");
    } catch (const IoError&) {
        return 0;
    }
    std::vector<TensorRef> refs;
    bool writable = true;
    for (const auto& [name, t] : file.tensors) {
        if (t.bytes.size() != t.numel() * dtype_size(t.dtype)) __builtin_trap();
        if (t.as<double>(file.source, name).size() != t.numel()) __builtin_trap();
        writable = writable && !name.empty();  // the reader accepts "", the writer refuses it
        refs.push_back({name, t.dtype, t.shape, t.bytes.data(), t.bytes.size()});
    }
    if (!writable) return 0;
    const std::map<std::string, std::string> metadata(file.metadata.begin(), file.metadata.end());
    const auto again = read_safetensors_bytes(to_safetensors_bytes(refs, metadata), "round-trip");
    if (again.metadata != file.metadata || again.tensors.size() != file.tensors.size()) __builtin_trap();
    for (const auto& [name, t] : file.tensors) {
        const TensorData& u = again.at(name);
        if (u.dtype != t.dtype || u.shape != t.shape || u.bytes != t.bytes) __builtin_trap();
    }
    return 0;
}
