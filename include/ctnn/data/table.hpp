// Table: numeric rows of features and targets (tabular data: CSV files, arrays in memory), for
// Regressor (train/regressor.hpp) and, through to_dataset, for Classifier. features is
// rows x feature_count floats, targets rows x target_count, both row-major.
//   read_csv_table(path, options): any numeric CSV (raw or gzip), comma or another delimiter,
//     `skip_rows` leading lines ignored (sklearn's "569,30,..." line), a header row detected (a
//     row with a field that is not a number) or forced, target columns by name or index (default:
//     the last column). Every bad field is a DataError naming the file, line and column.
//   from_arrays(features, targets, rows): a Table of in-memory values (sizes checked).
//   Standardizer: per-feature mean and std of one table (the training set), applied to others.
//   split_rows(table, test_fraction, seed): a shuffled train/test split of the rows.
//   pad_features(table, width): zero columns appended up to a network's fixed input width.
//   to_dataset(table): a classification Dataset (N, F, 1, 1) whose labels are the one target
//     column, which must hold whole numbers >= 0.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/data/csv.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/file.hpp>
#include <ctnn/data/shuffle.hpp>

namespace ctnn::data {

struct Table {
    std::vector<float> features;  // rows x feature_count
    std::vector<float> targets;   // rows x target_count
    std::size_t rows = 0, feature_count = 0, target_count = 0;
    std::vector<std::string> feature_names, target_names;  // from the header, else "column <i>"
};

struct CsvTableOptions {
    char delimiter = ',';
    std::size_t skip_rows = 0;                  // lines ignored before the header or the first row
    std::optional<bool> header{};               // nullopt: detected (a field that is not a number)
    std::vector<std::string> target_names{};    // target columns by header name ...
    std::vector<std::size_t> target_columns{};  // ... or by 0-based index; neither: the last column
};

namespace detail {

inline std::vector<std::string_view> split_fields(std::string_view line, char delimiter) {
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
        const std::size_t end = line.find(delimiter, start);
        std::string_view field =
            trim(line.substr(start, end == std::string_view::npos ? line.npos : end - start));
        if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
            field = field.substr(1, field.size() - 2);
        fields.push_back(field);
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

inline bool parse_number(std::string_view field, float& value) {
    if (!field.empty() && field.front() == '+') field.remove_prefix(1);
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    return error == std::errc() && end == field.data() + field.size() && !field.empty();
}

}  // namespace detail

inline Table read_csv_table(const std::filesystem::path& path, const CsvTableOptions& options = {}) {
    const FileBytes file = read_bytes(path);
    const std::string text(file.bytes.begin(), file.bytes.end());
    std::string_view rest = text;
    if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
    std::vector<std::string_view> lines;
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        lines.push_back(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    std::size_t line_index = options.skip_rows;
    while (line_index < lines.size() && detail::trim(lines[line_index]).empty()) ++line_index;
    if (line_index >= lines.size())
        throw detail::data_error(path, "no rows after the first " + std::to_string(options.skip_rows));
    const auto first = detail::split_fields(lines[line_index], options.delimiter);
    bool header = false;
    if (options.header) {
        header = *options.header;
    } else {
        for (const auto field : first) {
            float v;
            header = header || !detail::parse_number(field, v);
        }
    }
    const std::size_t columns = first.size();
    std::vector<std::string> names(columns);
    for (std::size_t c = 0; c < columns; ++c)
        names[c] = header ? std::string(first[c]) : "column " + std::to_string(c);
    std::vector<bool> is_target(columns, false);
    for (const auto& name : options.target_names) {
        std::size_t c = 0;
        while (c < columns && names[c] != name) ++c;
        if (c == columns) throw detail::data_error(path, "no column named '" + name + "' in the header");
        is_target[c] = true;
    }
    for (const std::size_t c : options.target_columns) {
        if (c >= columns)
            throw detail::data_error(path, "target column " + std::to_string(c) + " is past the " +
                                               std::to_string(columns) + " columns");
        is_target[c] = true;
    }
    if (options.target_names.empty() && options.target_columns.empty()) is_target[columns - 1] = true;
    Table table;
    for (std::size_t c = 0; c < columns; ++c)
        (is_target[c] ? table.target_names : table.feature_names).push_back(names[c]);
    table.feature_count = table.feature_names.size();
    table.target_count = table.target_names.size();
    if (table.feature_count == 0)
        throw detail::data_error(path, "every column is a target; no features left");
    for (std::size_t l = header ? line_index + 1 : line_index; l < lines.size(); ++l) {
        if (detail::trim(lines[l]).empty()) continue;
        const auto fields = detail::split_fields(lines[l], options.delimiter);
        const std::string where = "line " + std::to_string(l + 1);
        if (fields.size() != columns)
            throw detail::data_error(path, where + ": " + std::to_string(fields.size()) +
                                               " fields, expected " + std::to_string(columns) +
                                               " as in line " + std::to_string(line_index + 1));
        for (std::size_t c = 0; c < columns; ++c) {
            float value;
            if (!detail::parse_number(fields[c], value) || !std::isfinite(value))
                throw detail::data_error(path, where + ", column " + std::to_string(c + 1) + " ('" +
                                                   names[c] + "'): '" + std::string(fields[c]) +
                                                   "' is not a finite number");
            (is_target[c] ? table.targets : table.features).push_back(value);
        }
        ++table.rows;
    }
    if (table.rows == 0) throw detail::data_error(path, "the header is not followed by any row");
    return table;
}

inline Table from_arrays(std::span<const float> features, std::span<const float> targets, std::size_t rows) {
    if (rows == 0 || features.size() % rows != 0 || targets.size() % rows != 0)
        throw std::invalid_argument("ctnn::data::from_arrays: " + std::to_string(features.size()) +
                                    " features and " + std::to_string(targets.size()) +
                                    " targets do not split into " + std::to_string(rows) + " rows");
    Table table;
    table.rows = rows;
    table.features.assign(features.begin(), features.end());
    table.targets.assign(targets.begin(), targets.end());
    table.feature_count = features.size() / rows;
    table.target_count = targets.size() / rows;
    for (std::size_t c = 0; c < table.feature_count; ++c)
        table.feature_names.push_back("feature " + std::to_string(c));
    for (std::size_t c = 0; c < table.target_count; ++c)
        table.target_names.push_back("target " + std::to_string(c));
    return table;
}

// Per-feature (x - mean) / std with the training table's statistics (std 0: left at x - mean).
class Standardizer {
  public:
    explicit Standardizer(const Table& train)
        : m_mean(train.feature_count, 0.0), m_std(train.feature_count, 0.0) {
        const std::size_t f = train.feature_count;
        for (std::size_t r = 0; r < train.rows; ++r)
            for (std::size_t c = 0; c < f; ++c) m_mean[c] += train.features[r * f + c];
        for (auto& m : m_mean) m /= static_cast<double>(train.rows);
        for (std::size_t r = 0; r < train.rows; ++r)
            for (std::size_t c = 0; c < f; ++c) {
                const double d = train.features[r * f + c] - m_mean[c];
                m_std[c] += d * d;
            }
        for (auto& s : m_std) s = std::sqrt(s / static_cast<double>(train.rows));
    }
    void apply(Table& table) const {
        if (table.feature_count != m_mean.size())
            throw std::invalid_argument("Standardizer: the table has " + std::to_string(table.feature_count) +
                                        " features, the statistics " + std::to_string(m_mean.size()));
        const std::size_t f = table.feature_count;
        for (std::size_t r = 0; r < table.rows; ++r)
            for (std::size_t c = 0; c < f; ++c) {
                float& x = table.features[r * f + c];
                x = static_cast<float>((x - m_mean[c]) / (m_std[c] > 0 ? m_std[c] : 1.0));
            }
    }
    const std::vector<double>& mean() const { return m_mean; }
    const std::vector<double>& stddev() const { return m_std; }

  private:
    std::vector<double> m_mean, m_std;
};

// The rows of `table` shuffled by `seed`, then cut: the first round(rows x test_fraction) rows go to
// the test table (at least 1, and at least 1 row is left to train on).
struct TableSplit {
    Table train, test;
};
inline TableSplit split_rows(const Table& table, double test_fraction, std::uint64_t seed) {
    if (!(test_fraction > 0 && test_fraction < 1) || table.rows < 2)
        throw std::invalid_argument("ctnn::data::split_rows: needs 2 or more rows (the table has " +
                                    std::to_string(table.rows) + ") and a test fraction in (0, 1), not " +
                                    std::to_string(test_fraction));
    std::vector<std::size_t> order(table.rows);
    detail::permutation(order, seed, /*stream=*/0x5917, /*epoch=*/0);
    const auto rounded =
        static_cast<std::size_t>(std::lround(test_fraction * static_cast<double>(table.rows)));
    const std::size_t test_rows = std::clamp<std::size_t>(rounded, 1, table.rows - 1);
    TableSplit split;
    for (Table* part : {&split.train, &split.test}) {
        part->feature_count = table.feature_count, part->target_count = table.target_count;
        part->feature_names = table.feature_names, part->target_names = table.target_names;
    }
    for (std::size_t i = 0; i < table.rows; ++i) {
        Table& part = i < test_rows ? split.test : split.train;
        const std::size_t r = order[i];
        part.features.insert(part.features.end(),
                             table.features.begin() + std::ptrdiff_t(r * table.feature_count),
                             table.features.begin() + std::ptrdiff_t((r + 1) * table.feature_count));
        part.targets.insert(part.targets.end(),
                            table.targets.begin() + std::ptrdiff_t(r * table.target_count),
                            table.targets.begin() + std::ptrdiff_t((r + 1) * table.target_count));
        ++part.rows;
    }
    return split;
}

// Appends zero feature columns ("padding <i>") up to `width`, for a network whose input is wider
// than the table; a zero input adds nothing to a Dense layer's output. A table wider than `width`
// is refused naming both counts.
inline void pad_features(Table& table, std::size_t width) {
    if (table.feature_count > width)
        throw std::invalid_argument("ctnn::data::pad_features: the table has " +
                                    std::to_string(table.feature_count) + " features, the network's input " +
                                    std::to_string(width));
    if (table.feature_count == width) return;
    std::vector<float> padded(table.rows * width, 0.0f);
    for (std::size_t r = 0; r < table.rows; ++r)
        std::copy_n(table.features.begin() + std::ptrdiff_t(r * table.feature_count), table.feature_count,
                    padded.begin() + std::ptrdiff_t(r * width));
    for (std::size_t c = table.feature_count; c < width; ++c)
        table.feature_names.push_back("padding " + std::to_string(c));
    table.features = std::move(padded);
    table.feature_count = width;
}

inline Dataset to_dataset(const Table& table) {
    if (table.target_count != 1)
        throw std::invalid_argument(
            "ctnn::data::to_dataset: a classification set needs one target column, not " +
            std::to_string(table.target_count));
    Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({table.rows, table.feature_count, 1, 1});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({table.rows});
    std::copy(table.features.begin(), table.features.end(), d.images.data());
    for (std::size_t r = 0; r < table.rows; ++r) {
        const float t = table.targets[r];
        if (!(t >= 0) || t != std::floor(t) || t > 1e9f)
            throw std::invalid_argument("ctnn::data::to_dataset: row " + std::to_string(r) + " has target " +
                                        std::to_string(t) + ", not a class index (a whole number >= 0)");
        d.labels(r) = static_cast<std::int32_t>(t);
    }
    return d;
}

}  // namespace ctnn::data
