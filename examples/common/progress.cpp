// The progress line (progress.hpp).
#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace examples {

bool stderr_is_terminal() {
    return ::isatty(::fileno(stderr)) != 0;
}

ProgressLine::ProgressLine()
    : m_terminal(stderr_is_terminal()), m_last_plain(std::chrono::steady_clock::now()) {}

std::string duration_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const auto s = static_cast<unsigned long long>(std::ceil(seconds));
    char text[48];
    if (s >= 3600)
        std::snprintf(text, sizeof text, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%llu:%02llu", s / 60, s % 60);
    return text;
}

double mean(const std::vector<double>& values) {
    double sum = 0;
    for (double v : values) sum += v / double(values.size());
    return sum;
}

void ProgressLine::update(std::size_t epoch, std::size_t epochs, std::size_t done, std::size_t total,
                          double rate, const std::string& figures) {
    const double eta = rate > 0 ? double(total - std::min(done, total)) / rate : NAN;
    char head[96];
    std::snprintf(head, sizeof head, "  epoch %zu/%zu  %6zu/%zu  ", epoch, epochs, done, total);
    char tail[64];
    std::snprintf(tail, sizeof tail, "  %6.0f img/s  ETA %s", rate, duration_text(eta).c_str());
    const std::string line = head + figures + tail;
    if (m_terminal) {
        std::fprintf(stderr, "\r%s%*s", line.c_str(), int(m_width > line.size() ? m_width - line.size() : 0),
                     "");
        m_width = line.size();
        std::fflush(stderr);
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last_plain < std::chrono::seconds(30)) return;
    m_last_plain = now;
    std::fprintf(stderr, "%s\n", line.c_str());
}

void ProgressLine::clear() {
    if (!m_terminal || m_width == 0) return;
    std::fprintf(stderr, "\r%*s\r", int(m_width), "");
    m_width = 0;
    std::fflush(stderr);
}

}  // namespace examples
