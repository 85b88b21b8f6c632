// The metrics log (history.hpp).
#include "history.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace examples {

std::string number_text(double value) {
    char text[64];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::string(text, end);
}

namespace {

std::string join(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
    return line;
}

}  // namespace

History::History(const RunDir& dir, std::string name, std::vector<std::string> columns)
    : m_dir(dir), m_name(std::move(name)), m_columns(std::move(columns)) {}

void History::resume(const fs::path& from, std::size_t epoch) {
    m_rows.clear();
    m_lines.clear();
    std::ifstream in(from, std::ios::binary);
    if (!in) {
        write();
        return;
    }
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line != join(m_columns))
        throw std::runtime_error(from.string() + ": header '" + line + "' is not '" + join(m_columns) +
                                 "' (not a metrics log of this program)");
    for (std::size_t number = 2; std::getline(in, line); ++number) {
        if (in.eof()) break;  // no newline: a row torn by a crash
        std::vector<double> row;
        const char* p = line.c_str();
        for (std::size_t c = 0; c < m_columns.size(); ++c) {
            char* end = nullptr;
            row.push_back(std::strtod(p, &end));
            const char expected = c + 1 < m_columns.size() ? ',' : '\0';
            if (end == p || *end != expected)
                throw std::runtime_error(from.string() + ": line " + std::to_string(number) + " is not " +
                                         std::to_string(m_columns.size()) + " numbers: '" + line + "'");
            p = end + 1;
        }
        if (row[0] > double(epoch)) break;  // epochs the checkpoint does not hold
        m_rows.push_back(std::move(row));
        m_lines.push_back(line);
    }
    write();
}

void History::add(const std::vector<double>& row) {
    if (row.size() != m_columns.size())
        throw std::logic_error(m_name + ": a row of " + std::to_string(row.size()) + " values for " +
                               std::to_string(m_columns.size()) + " columns");
    std::vector<std::string> cells;
    for (double v : row) cells.push_back(number_text(v));
    m_rows.push_back(row);
    m_lines.push_back(join(cells));
    write();
}

std::vector<double> History::column(std::string_view name) const {
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
        if (m_columns[c] != name) continue;
        std::vector<double> values;
        for (const auto& row : m_rows) values.push_back(row[c]);
        return values;
    }
    throw std::logic_error(m_name + ": no column '" + std::string(name) + "'");
}

void History::write() const {
    std::string text = join(m_columns) + '\n';
    for (const auto& line : m_lines) text += line + '\n';
    m_dir.write(m_name, text);
}

}  // namespace examples
