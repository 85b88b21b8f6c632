// TensorData: one tensor as stored in a safetensors file (dtype name, shape, raw
// little-endian bytes), the dtype table (F64 F32 F16 BF16 I64 I32 I16 I8 U64 U32 U16 U8
// BOOL) and checked conversions to C++ arithmetic types (as<T>(), as_f32(), copy_to()).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctnn/io/error.hpp>

namespace ctnn::io {

static_assert(std::endian::native == std::endian::little,
              "ctnn::io reads and writes little-endian tensor bytes and assumes a little-endian host");

// Bytes per element of a safetensors dtype name, or 0 if the name is not a known dtype.
inline std::size_t dtype_size(std::string_view dtype) {
    if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
    if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
    return 0;
}

// The safetensors dtype name of a C++ element type: dtype_of<float>() == "F32".
template <class T>
constexpr std::string_view dtype_of() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, double>)
        return "F64";
    else if constexpr (std::is_same_v<U, float>)
        return "F32";
    else if constexpr (std::is_same_v<U, bool>)
        return "BOOL";
    else if constexpr (std::is_same_v<U, std::int64_t>)
        return "I64";
    else if constexpr (std::is_same_v<U, std::int32_t>)
        return "I32";
    else if constexpr (std::is_same_v<U, std::int16_t>)
        return "I16";
    else if constexpr (std::is_same_v<U, std::int8_t>)
        return "I8";
    else if constexpr (std::is_same_v<U, std::uint64_t>)
        return "U64";
    else if constexpr (std::is_same_v<U, std::uint32_t>)
        return "U32";
    else if constexpr (std::is_same_v<U, std::uint16_t>)
        return "U16";
    else if constexpr (std::is_same_v<U, std::uint8_t>)
        return "U8";
    else
        static_assert(sizeof(U) == 0, "dtype_of: no safetensors dtype for this type");
}

namespace detail {

inline float f16_to_float(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu;
    const std::uint32_t mant = h & 0x3ffu;
    if (exp == 0) {  // zero or subnormal: mant * 2^-24
        float f = std::ldexp(static_cast<float>(mant), -24);
        return sign ? -f : f;
    }
    if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));  // inf / nan
    return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
}

inline float bf16_to_float(std::uint16_t h) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

template <class S, class T>
void convert_as(const std::byte* src, T* dst, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        S s;
        std::memcpy(&s, src + i * sizeof(S), sizeof(S));
        dst[i] = static_cast<T>(s);
    }
}

// Converts n elements of `dtype` at src into dst; false if the dtype is unknown.
template <class T>
bool convert(std::string_view dtype, const std::byte* src, T* dst, std::size_t n) {
    if (dtype == "F32")
        convert_as<float>(src, dst, n);
    else if (dtype == "F64")
        convert_as<double>(src, dst, n);
    else if (dtype == "I64")
        convert_as<std::int64_t>(src, dst, n);
    else if (dtype == "I32")
        convert_as<std::int32_t>(src, dst, n);
    else if (dtype == "I16")
        convert_as<std::int16_t>(src, dst, n);
    else if (dtype == "I8")
        convert_as<std::int8_t>(src, dst, n);
    else if (dtype == "U64")
        convert_as<std::uint64_t>(src, dst, n);
    else if (dtype == "U32")
        convert_as<std::uint32_t>(src, dst, n);
    else if (dtype == "U16")
        convert_as<std::uint16_t>(src, dst, n);
    else if (dtype == "U8")
        convert_as<std::uint8_t>(src, dst, n);
    else if (dtype == "BOOL") {
        for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i] != std::byte{0});
    } else if (dtype == "F16" || dtype == "BF16") {
        for (std::size_t i = 0; i < n; ++i) {
            std::uint16_t h;
            std::memcpy(&h, src + 2 * i, 2);
            dst[i] = static_cast<T>(dtype == "F16" ? f16_to_float(h) : bf16_to_float(h));
        }
    } else {
        return false;
    }
    return true;
}

}  // namespace detail

struct TensorData {
    std::string dtype;                // "F32", "I64", ... (see dtype_size)
    std::vector<std::int64_t> shape;  // {} is a scalar (one element)
    std::vector<std::byte> bytes;     // numel() * dtype_size(dtype) little-endian bytes

    std::size_t numel() const {
        std::size_t n = 1;
        for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
        return n;
    }

    // Converts every element to T (static_cast per element; F16/BF16 go through float).
    // `file` and `name` only label the error: IoError if dtype is unknown or the byte
    // count disagrees with shape * dtype size.
    template <class T>
    requires std::is_arithmetic_v<T>
    void copy_to(std::span<T> out, const std::filesystem::path& file = "<tensor>",
                 std::string_view name = "") const {
        const std::string label = "tensor '" + std::string(name) + "': ";
        const std::size_t esize = dtype_size(dtype);
        if (esize == 0) throw IoError(file, label + "unknown dtype '" + dtype + "'");
        const std::size_t n = numel();
        if (bytes.size() != n * esize)
            throw IoError(file, label + "holds " + std::to_string(bytes.size()) +
                                    " bytes but shape and dtype " + dtype + " need " +
                                    std::to_string(n * esize));
        if (out.size() != n)
            throw IoError(file, label + "has " + std::to_string(n) + " elements but the destination holds " +
                                    std::to_string(out.size()));
        detail::convert(dtype, bytes.data(), out.data(), n);
    }

    template <class T>
    requires(std::is_arithmetic_v<T> &&
             !std::is_same_v<T, bool>) std::vector<T> as(const std::filesystem::path& file = "<tensor>",
                                                         std::string_view name = "")
    const {
        std::vector<T> out(numel());
        copy_to(std::span<T>(out), file, name);
        return out;
    }

    std::vector<float> as_f32() const { return as<float>(); }
    std::vector<double> as_f64() const { return as<double>(); }
};

}  // namespace ctnn::io
