// CsvLog: a metrics log as CSV. The header (column names) is written at construction;
// row(values...) appends one line. Every change rewrites the whole file through the one safe
// writer (io/atomic_file.hpp: temporary, fsync, rename), so the file on disk is always a
// complete log, the previous one or the new one, never a torn line, and a symlink, FIFO or
// device planted at its name is refused. Meant for per-epoch logs (thousands of rows; each
// row costs one write of the whole file and an fsync). append = true resumes an existing log:
// its rows are kept if its header matches (a torn last line from an older writer is dropped);
// keep_rows(n) cuts it back to its first n rows (a resume from epoch n). One row per line:
// cells are RFC 4180 quoted where needed and line breaks inside them become spaces; numbers are
// written in the shortest form that reads back exactly. IoError names the file.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctnn/io/atomic_file.hpp>
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

// The whole content of the regular file at `path` (opened with O_NOFOLLOW: a link is refused).
inline std::string read_regular_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw IoError(path, "cannot open for reading: " + errno_text(errno));
    std::string text;
    struct stat st {};
    const auto fail = [&](const std::string& what) {
        ::close(fd);
        return IoError(path, what);
    };
    if (::fstat(fd, &st) != 0) throw fail("cannot stat: " + errno_text(errno));
    if (!S_ISREG(st.st_mode)) throw fail(std::string("is ") + file_kind(st.st_mode) + ", not a regular file");
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail("read failed: " + errno_text(errno));
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}
}  // namespace detail

class CsvLog {
  public:
    CsvLog(std::filesystem::path path, std::vector<std::string> columns, bool append = false)
        : m_path(std::move(path)), m_columns(std::move(columns)) {
        if (m_columns.empty()) throw IoError(m_path, "a CSV log needs at least one column");
        std::string header;
        for (std::size_t i = 0; i < m_columns.size(); ++i)
            header += (i ? "," : "") + detail::csv_escape(m_columns[i]);
        const bool exists = check_output_path(m_path);
        if (!(append && exists && resume(header))) m_text = header + '\n';
        m_header_size = m_text.find('\n') + 1;
        write_file_atomic(m_path, m_text);
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

    // Keeps only the first `rows` data rows (e.g. a run resumed from epoch `rows` drops the
    // epochs logged after its checkpoint); nothing happens when the log holds no more than that.
    void keep_rows(std::size_t rows) {
        if (rows >= m_rows) return;
        std::size_t end = m_header_size;
        for (std::size_t k = 0; k < rows; ++k) end = m_text.find('\n', end) + 1;
        replace(m_text.substr(0, end), rows);
    }

  private:
    // Cells must already be escaped.
    void row_cells(const std::vector<std::string>& cells) {
        if (cells.size() != m_columns.size())
            throw IoError(m_path, "row has " + std::to_string(cells.size()) + " values for " +
                                      std::to_string(m_columns.size()) + " columns");
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
        replace(m_text + line + '\n', m_rows + 1);
    }

    // Writes `text` as the new file; the object changes only once it is on disk.
    void replace(std::string text, std::size_t rows) {
        write_file_atomic(m_path, text);
        m_text = std::move(text);
        m_rows = rows;
    }

    // Keeps an existing log whose header matches: drops a torn last line and counts rows.
    // Returns false when the file holds no complete line (it is then started afresh).
    bool resume(const std::string& header) {
        std::string text = detail::read_regular_file(m_path);
        const std::size_t last_newline = text.rfind('\n');
        if (last_newline == std::string::npos) return false;
        std::string first = text.substr(0, text.find('\n'));
        if (!first.empty() && first.back() == '\r') first.pop_back();
        if (first != header)
            throw IoError(m_path, "existing header '" + first + "' differs from '" + header + "'");
        text.resize(last_newline + 1);
        std::size_t lines = 0;
        for (char c : text) lines += c == '\n';
        m_rows = lines - 1;
        m_text = std::move(text);
        return true;
    }

    std::filesystem::path m_path;
    std::vector<std::string> m_columns;
    std::string m_text;  // the file's content: header line, then one line per row
    std::size_t m_header_size = 0;
    std::size_t m_rows = 0;
};

}  // namespace ctnn::io
