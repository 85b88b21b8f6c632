// StopOnSignal: while it lives, SIGINT and SIGTERM do not kill the program but raise a flag
// that the trainers (Classifier/Gan::set_stop_flag) check after every step; the program then
// saves a resumable checkpoint with the position inside the epoch and exits with
// exit_code() (130 for SIGINT, 143 for SIGTERM, as a shell reports a process killed by them).
// A second signal while stopping restores the default action, so it kills at once.
#pragma once

#include <atomic>

namespace examples {

class StopOnSignal {
  public:
    StopOnSignal();
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;
    ~StopOnSignal();  // restores the previous handlers

    const std::atomic<bool>* flag() const;
    bool stopped() const;
    int signal_number() const;  // 0 when none arrived
    int exit_code() const { return 128 + signal_number(); }
    const char* signal_name() const;
};

}  // namespace examples
