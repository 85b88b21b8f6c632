// Safetensors checkpoints: an 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
// space-padded to a multiple of 8), then the raw tensor bytes. save_safetensors writes
// atomically; load_safetensors / read_safetensors_bytes validate everything before allocating.
// The header is parsed in one linear pass (at most 100,000 entries, detail::max_tensors, and 100 MB).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <ranges>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <ctnn/io/atomic_file.hpp>
#include <ctnn/io/error.hpp>
#include <ctnn/io/tensor_data.hpp>

namespace ctnn::io {

namespace detail {
inline std::string shape_text(std::span<const std::int64_t> shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}
}  // namespace detail

// A tensor to be written: borrowed memory holding nbytes == numel(shape) * dtype_size(dtype).
struct TensorRef {
    std::string name;
    std::string dtype;
    std::vector<std::int64_t> shape;
    const void* data = nullptr;
    std::size_t nbytes = 0;

    static TensorRef f32(std::string name, std::span<const float> values, std::vector<std::int64_t> shape) {
        return {std::move(name), "F32", std::move(shape), values.data(), values.size_bytes()};
    }
};

// A TensorRef over any contiguous range of arithmetic values (vector, array, span), dtype
// deduced. It borrows: the range must outlive the TensorRef (e.g. until save_safetensors returns).
template <std::ranges::contiguous_range R>
TensorRef tensor_ref(std::string name, const R& values, std::vector<std::int64_t> shape) {
    using T = std::ranges::range_value_t<R>;
    return {std::move(name), std::string(dtype_of<T>()), std::move(shape), std::ranges::data(values),
            std::ranges::size(values) * sizeof(T)};
}
template <std::ranges::contiguous_range R>
TensorRef tensor_ref(std::string name, const R& values) {  // 1-D
    return tensor_ref(std::move(name), values, {static_cast<std::int64_t>(std::ranges::size(values))});
}

struct SafetensorsFile {
    std::filesystem::path source;  // where it was read from; names the file in errors
    std::map<std::string, std::string, std::less<>> metadata;
    std::map<std::string, TensorData, std::less<>> tensors;

    bool contains(std::string_view name) const { return tensors.find(name) != tensors.end(); }

    const TensorData& at(std::string_view name) const {
        auto it = tensors.find(name);
        if (it == tensors.end()) throw IoError(source, "no tensor named '" + std::string(name) + "'");
        return it->second;
    }
    // As at(name), and the stored shape must equal `expected`.
    const TensorData& at(std::string_view name, std::span<const std::int64_t> expected) const {
        const TensorData& t = at(name);
        // An element loop, not std::ranges::equal: for a scalar (an empty span, data() null)
        // GCC 12 turns that into memcmp(p, nullptr, 0) and warns -Wnonnull.
        bool same = t.shape.size() == expected.size();
        for (std::size_t i = 0; same && i < expected.size(); ++i) same = t.shape[i] == expected[i];
        if (!same)
            throw IoError(source, "tensor '" + std::string(name) + "': shape " + detail::shape_text(t.shape) +
                                      ", expected " + detail::shape_text(expected));
        return t;
    }
    template <class T>
    void copy_to(std::string_view name, std::span<T> out) const {
        at(name).copy_to(out, source, name);
    }
    template <class T>
    std::vector<T> as(std::string_view name) const {
        return at(name).template as<T>(source, name);
    }
};

namespace detail {

inline constexpr std::uint64_t max_header_bytes = 100'000'000;  // as the reference implementation

struct HeaderEntry {
    std::string name;
    std::string dtype;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0, end = 0;
};

struct ParsedHeader {
    std::map<std::string, std::string, std::less<>> metadata;
    std::vector<HeaderEntry> entries;
};

inline std::uint64_t read_u64_le(const std::byte* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint64_t>(p[i]);
    return v;
}

// Validates the header length N read from the first 8 bytes against the total size.
inline void check_header_length(std::uint64_t n, std::uint64_t total, const std::filesystem::path& file) {
    if (n > max_header_bytes)
        throw IoError(file, "header length " + std::to_string(n) + " is larger than the 100 MB limit");
    if (n > total - 8)
        throw IoError(file, "header length " + std::to_string(n) + " exceeds the " +
                                std::to_string(total - 8) + " bytes that follow it");
}

inline constexpr std::size_t max_tensors = 100'000;  // entries in one header (also keys of __metadata__)

// Builds the JSON value of a header in one pass (nlohmann's SAX interface, so the time is linear
// in the header's length), refusing a repeated key, nesting deeper than the format needs (an
// object of objects of arrays) and more than max_tensors entries as soon as they are seen.
class StrictHeaderSax {
  public:
    using json = nlohmann::json;
    StrictHeaderSax(json& root, const std::filesystem::path& file) : m_root(root), m_file(file) {}

    bool null() { return put(json(nullptr)); }
    bool boolean(bool v) { return put(json(v)); }
    bool number_integer(json::number_integer_t v) { return put(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
    bool number_float(json::number_float_t v, const json::string_t&) { return put(json(v)); }
    bool string(json::string_t& v) { return put(json(std::move(v))); }
    bool binary(json::binary_t&) { throw IoError(m_file, "header JSON holds binary data"); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& k) {
        json& object = *m_stack.back();
        if (object.contains(k)) throw IoError(m_file, "header JSON repeats the key '" + k + "'");
        if (object.size() >= max_tensors)
            throw IoError(m_file,
                          std::string(m_stack.size() == 1 ? "header holds more than "
                                                          : "an object of the header holds more than ") +
                              std::to_string(max_tensors) + " entries");
        m_slot = &object[k];
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const json::exception& e) {
        throw IoError(m_file, std::string("header is not valid JSON: ") + e.what());
    }

  private:
    // Stores a finished value where the open container wants it; returns where it now lives.
    json* place(json&& v) {
        if (m_stack.empty()) {
            m_root = std::move(v);
            return &m_root;
        }
        json& top = *m_stack.back();
        if (top.is_array()) {
            top.push_back(std::move(v));
            return &top.back();
        }
        *m_slot = std::move(v);
        return m_slot;
    }
    bool put(json&& v) {
        place(std::move(v));
        return true;
    }
    bool open(json&& empty) {
        if (m_stack.size() > 2) throw IoError(m_file, "header JSON is nested deeper than the format allows");
        m_stack.push_back(place(std::move(empty)));
        return true;
    }
    bool close() {
        m_stack.pop_back();
        return true;
    }

    json& m_root;
    const std::filesystem::path& m_file;
    std::vector<json*> m_stack;  // the open containers; a child array's elements never move while it is open
    json* m_slot = nullptr;      // the member the next value of the open object goes to
};

// Parses JSON rejecting duplicate keys and nesting deeper than the format needs (linear time).
inline nlohmann::json parse_json_strict(std::string_view text, const std::filesystem::path& file) {
    nlohmann::json root;
    StrictHeaderSax sax(root, file);
    try {
        nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    } catch (const nlohmann::json::exception& e) {
        throw IoError(file, std::string("header is not valid JSON: ") + e.what());
    }
    return root;
}

inline std::vector<std::int64_t> parse_shape(const nlohmann::json& j, std::size_t esize,
                                             std::uint64_t& nbytes, const std::string& label,
                                             const std::filesystem::path& file) {
    if (!j.is_array()) throw IoError(file, label + "shape is not an array");
    std::vector<std::int64_t> shape;
    std::uint64_t count = 1;
    for (const auto& d : j) {
        if (d.is_number_integer() && !d.is_number_unsigned())
            throw IoError(file, label + "shape has a negative dimension " + d.dump());
        if (!d.is_number_unsigned())
            throw IoError(file, label + "shape has a non-integer dimension " + d.dump());
        const auto v = d.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
            (v != 0 && count > std::numeric_limits<std::uint64_t>::max() / v))
            throw IoError(file, label + "shape element count overflows");
        count *= v;
        shape.push_back(static_cast<std::int64_t>(v));
    }
    if (count > std::numeric_limits<std::uint64_t>::max() / esize)
        throw IoError(file, label + "shape byte size overflows");
    nbytes = count * esize;
    return shape;
}

inline HeaderEntry parse_entry(const std::string& name, const nlohmann::json& j, std::uint64_t data_size,
                               const std::filesystem::path& file) {
    const std::string label = "tensor '" + name + "': ";
    if (!j.is_object()) throw IoError(file, label + "entry is not an object");
    for (const char* key : {"dtype", "shape", "data_offsets"})
        if (!j.contains(key)) throw IoError(file, label + "entry has no '" + key + "'");
    HeaderEntry e;
    e.name = name;
    if (!j["dtype"].is_string()) throw IoError(file, label + "dtype is not a string");
    e.dtype = j["dtype"].get<std::string>();
    const std::size_t esize = dtype_size(e.dtype);
    if (esize == 0) throw IoError(file, label + "unknown dtype '" + e.dtype + "'");
    std::uint64_t nbytes = 0;
    e.shape = parse_shape(j["shape"], esize, nbytes, label, file);
    const auto& off = j["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
        throw IoError(file, label + "data_offsets is not two non-negative integers");
    e.begin = off[0].get<std::uint64_t>();
    e.end = off[1].get<std::uint64_t>();
    const std::string range = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
    if (e.end < e.begin) throw IoError(file, label + range + " end before begin");
    if (e.end > data_size)
        throw IoError(file,
                      label + range + " exceed the " + std::to_string(data_size) + "-byte data section");
    if (e.end - e.begin != nbytes)
        throw IoError(file, label + range + " span " + std::to_string(e.end - e.begin) + " bytes but shape " +
                                detail::shape_text(e.shape) + " of " + e.dtype + " needs " +
                                std::to_string(nbytes));
    return e;
}

// Fully validates a header against a data section of `data_size` bytes.
inline ParsedHeader parse_header(std::string_view text, std::uint64_t data_size,
                                 const std::filesystem::path& file) {
    const nlohmann::json root = parse_json_strict(text, file);
    if (!root.is_object()) throw IoError(file, "header JSON is not an object");
    ParsedHeader h;
    for (const auto& [key, value] : root.items()) {
        if (key != "__metadata__") {
            h.entries.push_back(parse_entry(key, value, data_size, file));
            continue;
        }
        if (!value.is_object()) throw IoError(file, "__metadata__ is not an object");
        for (const auto& [mk, mv] : value.items()) {
            if (!mv.is_string()) throw IoError(file, "__metadata__ value of '" + mk + "' is not a string");
            h.metadata.emplace(mk, mv.get<std::string>());
        }
    }
    // Overlap check: sort by begin; empty tensors occupy no bytes and cannot overlap.
    std::vector<const HeaderEntry*> order;
    for (const auto& e : h.entries)
        if (e.end > e.begin) order.push_back(&e);
    std::ranges::sort(order, {}, [](const HeaderEntry* e) { return e->begin; });
    for (std::size_t i = 1; i < order.size(); ++i)
        if (order[i]->begin < order[i - 1]->end)
            throw IoError(
                file, "tensor '" + order[i]->name + "': data overlaps tensor '" + order[i - 1]->name + "'");
    return h;
}

// The padded JSON header for `tensors` laid out contiguously in the given order.
inline std::string build_header(const std::vector<TensorRef>& tensors,
                                const std::map<std::string, std::string>& metadata,
                                const std::filesystem::path& file) {
    nlohmann::ordered_json root = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        auto& m = root["__metadata__"] = nlohmann::ordered_json::object();
        for (const auto& [k, v] : metadata) m[k] = v;
    }
    std::uint64_t offset = 0;
    for (const TensorRef& t : tensors) {
        const std::string label = "tensor '" + t.name + "': ";
        if (t.name.empty() || t.name == "__metadata__")
            throw IoError(file, "invalid tensor name '" + t.name + "'");
        if (root.contains(t.name)) throw IoError(file, label + "name used twice");
        const std::size_t esize = dtype_size(t.dtype);
        if (esize == 0) throw IoError(file, label + "unknown dtype '" + t.dtype + "'");
        std::uint64_t count = 1;
        for (std::int64_t d : t.shape) {
            if (d < 0) throw IoError(file, label + "negative dimension in shape");
            if (__builtin_mul_overflow(count, static_cast<std::uint64_t>(d), &count))
                throw IoError(file, label + "shape element count overflows");
        }
        if (__builtin_mul_overflow(count, std::uint64_t{esize}, &count))
            throw IoError(file, label + "shape byte size overflows");
        if (count != t.nbytes)
            throw IoError(file, label + "nbytes is " + std::to_string(t.nbytes) + " but shape " +
                                    detail::shape_text(t.shape) + " of " + t.dtype + " needs " +
                                    std::to_string(count));
        if (t.nbytes > 0 && t.data == nullptr) throw IoError(file, label + "data is null");
        root[t.name] = {
            {"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.nbytes}}};
        offset += t.nbytes;
    }
    std::string text;
    try {
        text = root.dump();
    } catch (const nlohmann::json::exception& e) {
        throw IoError(file,
                      std::string("cannot encode header (names and metadata must be UTF-8): ") + e.what());
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

inline std::span<const std::byte> as_bytes(const std::string& s) {
    return std::as_bytes(std::span(s));
}

}  // namespace detail

// Serializes to memory (the exact bytes save_safetensors writes).
inline std::vector<std::byte> to_safetensors_bytes(const std::vector<TensorRef>& tensors,
                                                   const std::map<std::string, std::string>& metadata = {}) {
    const std::string header = detail::build_header(tensors, metadata, "<memory>");
    std::vector<std::byte> out(8);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::byte>((header.size() >> (8 * i)) & 0xff);
    out.insert(out.end(), detail::as_bytes(header).begin(), detail::as_bytes(header).end());
    for (const TensorRef& t : tensors) {
        const auto* p = static_cast<const std::byte*>(t.data);
        out.insert(out.end(), p, p + t.nbytes);
    }
    return out;
}

// Writes `tensors` (in order, contiguous) and `metadata` to `path` atomically.
inline void save_safetensors(const std::filesystem::path& path, const std::vector<TensorRef>& tensors,
                             const std::map<std::string, std::string>& metadata = {}) {
    const std::string header = detail::build_header(tensors, metadata, path);
    std::byte len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<std::byte>((header.size() >> (8 * i)) & 0xff);
    std::vector<std::span<const std::byte>> chunks{std::span<const std::byte>(len), detail::as_bytes(header)};
    for (const TensorRef& t : tensors) chunks.emplace_back(static_cast<const std::byte*>(t.data), t.nbytes);
    write_file_atomic(path, chunks);
}

// Parses a whole safetensors image held in memory; `name_for_errors` labels IoErrors.
inline SafetensorsFile read_safetensors_bytes(std::span<const std::byte> bytes,
                                              std::string_view name_for_errors) {
    const std::filesystem::path file(name_for_errors);
    if (bytes.size() < 8)
        throw IoError(file, "too short (" + std::to_string(bytes.size()) + " bytes) for a header");
    const std::uint64_t n = detail::read_u64_le(bytes.data());
    detail::check_header_length(n, bytes.size(), file);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8), n);
    const std::span<const std::byte> data = bytes.subspan(8 + n);
    detail::ParsedHeader h = detail::parse_header(text, data.size(), file);
    SafetensorsFile out{file, std::move(h.metadata), {}};
    for (auto& e : h.entries) {
        const auto* p = data.data() + e.begin;
        out.tensors.emplace(e.name,
                            TensorData{std::move(e.dtype), std::move(e.shape), {p, p + (e.end - e.begin)}});
    }
    return out;
}

// Reads and validates a safetensors file; only the validated header size and tensor
// byte ranges are ever allocated.
inline SafetensorsFile load_safetensors(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw IoError(path, "not a readable regular file");
    const std::uint64_t total = std::filesystem::file_size(path, ec);
    if (ec) throw IoError(path, "cannot get the file size: " + ec.message());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path, "cannot open for reading");
    auto read = [&](void* dst, std::uint64_t offset, std::uint64_t count, const char* what) {
        in.seekg(static_cast<std::streamoff>(offset));
        in.read(static_cast<char*>(dst), static_cast<std::streamsize>(count));
        if (!in) throw IoError(path, std::string("read failed (") + what + ")");
    };
    if (total < 8) throw IoError(path, "too short (" + std::to_string(total) + " bytes) for a header");
    std::byte len[8];
    read(len, 0, 8, "header length");
    const std::uint64_t n = detail::read_u64_le(len);
    detail::check_header_length(n, total, path);
    std::string text(n, '\0');
    read(text.data(), 8, n, "header");
    detail::ParsedHeader h = detail::parse_header(text, total - 8 - n, path);
    SafetensorsFile out{path, std::move(h.metadata), {}};
    for (auto& e : h.entries) {
        TensorData t{std::move(e.dtype), std::move(e.shape), std::vector<std::byte>(e.end - e.begin)};
        if (!t.bytes.empty())
            read(t.bytes.data(), 8 + n + e.begin, t.bytes.size(), ("tensor " + e.name).c_str());
        out.tensors.emplace(e.name, std::move(t));
    }
    return out;
}

}  // namespace ctnn::io
