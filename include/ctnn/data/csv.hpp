// read_mnist_csv: the MNIST CSV layout (one image per line: label, then 784 pixels 0-255;
// an optional header row). Raw or gzip, from a file or from bytes in memory (read_mnist_csv_bytes).
// A UTF-8 byte order mark is skipped; a field may be double-quoted ("7") and a whole number may be
// written as a float (7.0, 7e0). The first row is a header only when none of its fields is a
// number, so a data row is never taken for one. Returns N x 1 x 28 x 28 images normalised as asked;
// every other row is parsed or refused: DataError naming the file and the line (and column).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/file.hpp>

namespace ctnn::data {

// The MNIST layout: 28 x 28 single-channel images of the digits 0-9.
namespace mnist {
inline constexpr std::size_t rows = 28, cols = 28, pixels = rows * cols, classes = 10;
}  // namespace mnist

namespace detail {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The whole field as a decimal integer, or false.
inline bool parse_int(std::string_view s, long& value) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

// The field without edge blanks and one pair of surrounding double quotes ("7" -> 7).
inline std::string_view unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = trim(s.substr(1, s.size() - 2));
    return s;
}

// The whole field as a number (integer or float notation, "nan" and "inf" included).
inline bool parse_double(std::string_view s, double& value) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

// The whole field as a whole number: "7", or a float that is one ("7.0", "7e0"); else false.
inline bool parse_whole(std::string_view s, long& value) {
    if (parse_int(s, value)) return true;
    double d = 0;
    if (!parse_double(s, d) || !std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9.0e15) return false;
    value = static_cast<long>(d);
    return true;
}

// A header row has no field that is empty or reads as a number ("label,1x1,...", "label,pixel0,...").
inline bool is_header_row(std::string_view line) {
    double d = 0;
    for (std::size_t start = 0; start <= line.size();) {
        const std::size_t comma = std::min(line.find(',', start), line.size());
        const std::string_view field = unquote(line.substr(start, comma - start));
        if (field.empty() || parse_double(field, d)) return false;
        start = comma + 1;
    }
    return true;
}

inline std::string quoted(std::string_view s) {
    constexpr std::size_t max = 20;
    return "'" + std::string(s.substr(0, max)) + (s.size() > max ? "...'" : "'");
}

}  // namespace detail

namespace detail {

inline Dataset parse_mnist_csv(const FileBytes& f, const std::filesystem::path& path, Normalize normalize) {
    constexpr std::size_t columns = 1 + mnist::pixels;
    if (f.bytes.empty())
        throw detail::data_error(path, f.gzip ? "file is empty (after gzip decompression)" : "file is empty");
    const char* p = reinterpret_cast<const char*>(f.bytes.data());
    const char* const end = p + f.bytes.size();
    if (end - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  // UTF-8 byte order mark

    std::vector<std::uint8_t> pixels;
    std::vector<std::int32_t> labels;
    bool seen_content = false, header = false;
    for (std::size_t line_no = 1; p < end; ++line_no) {
        const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!eol) eol = end;
        const std::string_view line = detail::trim(std::string_view(p, static_cast<std::size_t>(eol - p)));
        p = eol < end ? eol + 1 : end;
        if (line.empty()) continue;

        const std::string at = "line " + std::to_string(line_no);
        std::size_t found = 1;
        for (const char c : line) found += c == ',';
        long value = 0;
        const bool first_row = !seen_content;
        if (first_row && detail::is_header_row(line)) {  // e.g. "label,1x1,1x2,...,28x28"
            seen_content = header = true;
            if (found != columns) {
                throw detail::data_error(path, at + ": header row has " + std::to_string(found) +
                                                   " columns, expected " + std::to_string(columns) +
                                                   " (label + " + std::to_string(mnist::pixels) + " pixels)");
            }
            continue;
        }
        seen_content = true;
        if (found != columns) {
            throw detail::data_error(path, at + ": expected " + std::to_string(columns) +
                                               " columns (label + " + std::to_string(mnist::pixels) +
                                               " pixels), found " + std::to_string(found));
        }
        std::size_t start = 0;
        for (std::size_t col = 0; col < columns; ++col) {
            const std::size_t comma = col + 1 < columns ? line.find(',', start) : line.size();
            const std::string_view field = detail::unquote(line.substr(start, comma - start));
            start = comma + 1;
            const std::string where = at + ", column " + std::to_string(col + 1) +
                                      (col == 0 ? " (label)" : " (pixel " + std::to_string(col - 1) + ")");
            if (field.empty()) throw detail::data_error(path, where + ": empty field");
            if (!detail::parse_whole(field, value)) {
                throw detail::data_error(
                    path, where + ": " + detail::quoted(field) + " is not an integer" +
                              (first_row && col == 0 ? " (nor is this row a header: it holds numbers)" : ""));
            }
            if (col == 0) {
                if (value < 0 || value >= static_cast<long>(mnist::classes)) {
                    throw detail::data_error(path, at + ": label " + std::to_string(value) + " outside 0-9");
                }
                labels.push_back(static_cast<std::int32_t>(value));
            } else {
                if (value < 0 || value > 255) {
                    throw detail::data_error(
                        path, where + ": pixel value " + std::to_string(value) + " outside 0-255");
                }
                pixels.push_back(static_cast<std::uint8_t>(value));
            }
        }
    }
    if (labels.empty()) {
        throw detail::data_error(path,
                                 header ? "header row but no data rows" : "no data rows (only blank lines)");
    }

    Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({labels.size(), 1, mnist::rows, mnist::cols});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({labels.size()});
    std::copy(labels.begin(), labels.end(), d.labels.data());
    const auto table = detail::pixel_table(normalize);
    float* out = d.images.data();
    for (std::size_t i = 0; i < pixels.size(); ++i) out[i] = table[pixels[i]];
    return d;
}

}  // namespace detail

inline Dataset read_mnist_csv(const std::filesystem::path& path, Normalize normalize = Normalize::unit,
                              std::size_t max_bytes = max_file_bytes) {
    return detail::parse_mnist_csv(read_bytes(path, max_bytes), path, normalize);
}

// As read_mnist_csv, from a file image in memory (raw or gzip); `name` labels the DataError.
inline Dataset read_mnist_csv_bytes(std::span<const std::uint8_t> bytes, const std::filesystem::path& name,
                                    Normalize normalize = Normalize::unit,
                                    std::size_t max_bytes = max_file_bytes) {
    return detail::parse_mnist_csv(decode_bytes({bytes.begin(), bytes.end()}, name, max_bytes), name,
                                   normalize);
}

}  // namespace ctnn::data
