// CsvLog: a metrics log as CSV. The header (column names) is written at construction;
// row(values...) appends one line and flushes it, so a crash loses at most the row being
// written. append = true resumes an existing log: its rows are kept if its header matches
// (a torn last line from a crash is dropped). One row per line: cells are RFC 4180 quoted
// where needed and line breaks inside them become spaces; numbers are written in the
// shortest form that reads back exactly. IoError names the file.
#pragma once

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include <ctnn/io/error.hpp>

namespace ctnn::io {

namespace detail {
// One CSV cell, quoted when it holds a separator, a quote or edge spaces. Line breaks
// become spaces so that every row is exactly one line (a torn row is then detectable).
inline std::string csv_escape(std::string_view s) {
    const bool quote = s.find_first_of(",\"") != std::string_view::npos ||
                       (!s.empty() && (s.front() == ' ' || s.back() == ' '));
    std::string out = quote ? "\"" : "";
    for (char c : s) {
        if (c == '"') out += '"';
        out += (c == '\n' || c == '\r') ? ' ' : c;
    }
    return quote ? out + '"' : out;
}

template <class T>
std::string csv_cell(const T& v) {
    using U = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<U, bool>) {
        return v ? "true" : "false";
    } else if constexpr (std::is_arithmetic_v<U>) {
        char buf[64];
        const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
        return std::string(buf, res.ptr);
    } else {
        static_assert(std::is_convertible_v<const T&, std::string_view>,
                      "CsvLog::row: each value must be a number, bool or string");
        return csv_escape(std::string_view(v));
    }
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace detail

class CsvLog {
  public:
    CsvLog(std::filesystem::path path, std::vector<std::string> columns, bool append = false)
        : m_path(std::move(path)), m_columns(std::move(columns)) {
        if (m_columns.empty()) throw IoError(m_path, "a CSV log needs at least one column");
        std::string header;
        for (std::size_t i = 0; i < m_columns.size(); ++i)
            header += (i ? "," : "") + detail::csv_escape(m_columns[i]);
        bool write_header = true;
        if (append && std::filesystem::exists(m_path)) write_header = !resume(header);
        m_file.reset(std::fopen(m_path.c_str(), write_header ? "wb" : "ab"));
        if (!m_file)
            throw IoError(m_path, "cannot open for writing: " +
                                      std::error_code(errno, std::generic_category()).message());
        if (write_header) write_line(header);
    }

    const std::filesystem::path& path() const { return m_path; }
    const std::vector<std::string>& columns() const { return m_columns; }
    std::size_t rows() const { return m_rows; }  // data rows in the file, kept ones included

    // Appends one row: exactly one value (number, bool or string) per column.
    template <class... Ts>
    void row(const Ts&... values) {
        row_cells({detail::csv_cell(values)...});
    }

    // Appends one row of numbers, e.g. a metrics vector in column order.
    template <class T>
    requires std::is_arithmetic_v<T>
    void row_values(std::span<const T> values) {
        std::vector<std::string> cells;
        for (const T& v : values) cells.push_back(detail::csv_cell(v));
        row_cells(cells);
    }

  private:
    // Cells must already be escaped.
    void row_cells(const std::vector<std::string>& cells) {
        if (cells.size() != m_columns.size())
            throw IoError(m_path, "row has " + std::to_string(cells.size()) + " values for " +
                                      std::to_string(m_columns.size()) + " columns");
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
        write_line(line);
        ++m_rows;
    }

    void write_line(std::string line) {
        line += '\n';
        if (std::fwrite(line.data(), 1, line.size(), m_file.get()) != line.size() ||
            std::fflush(m_file.get()) != 0)
            throw IoError(m_path,
                          "write failed: " + std::error_code(errno, std::generic_category()).message());
    }

    // Keeps an existing log whose header matches: drops a torn last line and counts rows.
    // Returns false when the file holds no complete line (it is then started afresh).
    bool resume(const std::string& header) {
        std::ifstream in(m_path, std::ios::binary);
        if (!in) throw IoError(m_path, "cannot open the existing log for reading");
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        in.close();
        const std::size_t last_newline = text.rfind('\n');
        if (last_newline == std::string::npos) return false;
        std::string first = text.substr(0, text.find('\n'));
        if (!first.empty() && first.back() == '\r') first.pop_back();
        if (first != header)
            throw IoError(m_path, "existing header '" + first + "' differs from '" + header + "'");
        if (last_newline + 1 != text.size()) {
            std::error_code ec;
            std::filesystem::resize_file(m_path, last_newline + 1, ec);
            if (ec) throw IoError(m_path, "cannot drop the torn last line: " + ec.message());
        }
        std::size_t lines = 0;
        for (std::size_t i = 0; i <= last_newline; ++i) lines += text[i] == '\n';
        m_rows = lines - 1;
        return true;
    }

    std::filesystem::path m_path;
    std::vector<std::string> m_columns;
    std::unique_ptr<std::FILE, detail::FileCloser> m_file;
    std::size_t m_rows = 0;
};

}  // namespace ctnn::io
