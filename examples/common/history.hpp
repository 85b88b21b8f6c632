// History: a run's per-epoch figures (metrics.csv), one row per epoch, the epoch first. Every
// add() rewrites the whole file atomically through the RunDir (a few hundred lines at most), so
// the log is never torn and every write is checked. A resumed run keeps the rows of the epochs
// its checkpoint holds and drops later ones (written by a run killed before its checkpoint),
// so a resumed log reads 1, 2, 3, 4 and not 1, 2, 2, 3, 4; its curves then start at epoch 1.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "run_dir.hpp"

namespace examples {

class History {
  public:
    // `name` is the file in `dir` (metrics.csv); nothing is written before the first add().
    History(const RunDir& dir, std::string name, std::vector<std::string> columns);

    // Reads `from` (an earlier run's metrics.csv) and keeps its rows of epochs <= `epoch`; throws
    // naming the file when its header is not this log's or a row is not numbers. A missing file
    // keeps nothing. Rewrites this run's log with the kept rows.
    void resume(const fs::path& from, std::size_t epoch);
    // Appends one row (one value per column; the first is the epoch) and rewrites the file.
    void add(const std::vector<double>& row);

    std::size_t rows() const { return m_rows.size(); }
    std::vector<double> column(std::string_view name) const;  // throws for an unknown name

  private:
    void write() const;

    const RunDir& m_dir;
    std::string m_name;
    std::vector<std::string> m_columns;
    std::vector<std::vector<double>> m_rows;
    std::vector<std::string> m_lines;  // the rows as written (kept rows verbatim)
};

// The shortest decimal text that reads back as exactly `value` ("1", "0.25", "1e-05").
std::string number_text(double value);

}  // namespace examples
