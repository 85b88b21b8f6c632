// ProgressLine: where an epoch is. On a terminal (stderr) one line updated in place with \r:
// "epoch 3/10  12800/55000  <the trainer's figures>  2400 img/s  ETA 0:17"; when stderr is
// not a terminal (a log file, a pipe) a plain line every 30 s, so long GAN epochs still show
// progress without filling the log with carriage returns. clear() erases the terminal line
// before the epoch's own line is printed.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace examples {

bool stderr_is_terminal();

class ProgressLine {
  public:
    ProgressLine();
    // `done` of `total` samples of epoch `epoch` (1-based) of `epochs`, at `rate` images/s.
    void update(std::size_t epoch, std::size_t epochs, std::size_t done, std::size_t total, double rate,
                const std::string& figures);
    void clear();

  private:
    bool m_terminal;
    std::size_t m_width = 0;
    std::chrono::steady_clock::time_point m_last_plain;
};

// "0:17", "12:05", "1:02:03" (seconds rounded up; "?" when not finite).
std::string duration_text(double seconds);

// The mean of a run's per-epoch figures (0 when empty).
double mean(const std::vector<double>& values);

}  // namespace examples
