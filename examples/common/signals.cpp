// Stopping on SIGINT/SIGTERM (signals.hpp). The handler may only touch lock-free atomics, so
// the flag and the signal number are namespace-scope atomics, one per process.
#include "signals.hpp"

#include <csignal>

namespace examples {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
struct sigaction g_previous_int, g_previous_term;

extern "C" void on_stop_signal(int sig) {
    if (g_stop.exchange(true)) {
        std::signal(sig, SIG_DFL);  // a second signal: the default action (kill) from now on
        return;
    }
    g_signal.store(sig);
}

}  // namespace

StopOnSignal::StopOnSignal() {
    static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);
    g_stop.store(false);
    g_signal.store(0);
    struct sigaction action = {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &g_previous_int);
    ::sigaction(SIGTERM, &action, &g_previous_term);
}

StopOnSignal::~StopOnSignal() {
    ::sigaction(SIGINT, &g_previous_int, nullptr);
    ::sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>* StopOnSignal::flag() const {
    return &g_stop;
}
bool StopOnSignal::stopped() const {
    return g_stop.load();
}
int StopOnSignal::signal_number() const {
    return g_signal.load();
}
const char* StopOnSignal::signal_name() const {
    return g_signal.load() == SIGINT ? "SIGINT" : g_signal.load() == SIGTERM ? "SIGTERM" : "no signal";
}

}  // namespace examples
