// Failing together: run_together(env, comm, body) runs the rank's program body; when it throws
// on any rank, every rank prints the same line, "ctnn: rank R failed: <what>", and returns 1
// (main returns it: a non-zero exit everywhere), never a hang. The failing rank sends its message
// on the communicator's error channel; the others, waiting in a collective (every Communicator
// wait polls the channel) or at the final barrier, throw RankFailure with it, print it and answer.
// Ranks that fail together (a NaN under the stop policy after the gradient allreduce: all of them at
// the same step) print the lowest failing rank's message, or, for a rank that heard of another's
// failure inside a collective before it failed itself, that one's (the failing rank then prints
// its own): one line on every rank either way, for two ranks. If a rank does not answer within the timeout
// (it computes without any collective, or hangs), the failing rank calls MPI_Abort: the last resort. Then
// every rank waits (up to the timeout) until all have printed, and exits without MPI_Finalize (a collective
// may be pending forever); mpirun reports the non-zero status.
#pragma once

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "ctnn/dist/communicator.hpp"

namespace ctnn::dist {

struct FailOptions {
    // How long a failing rank waits for every other rank to hear of it before MPI_Abort.
    std::chrono::duration<double> answer_timeout = std::chrono::seconds(10);
    const char* prefix = "ctnn: ";  // of the printed line (stderr)
};

namespace detail {

inline void print_failure(const FailOptions& options, const std::string& text) {
    std::fprintf(stderr, "%s%s\n", options.prefix, text.c_str());
    std::fflush(stderr);
}

// This rank failed with `what`: tell the others, wait for them, print, and give the exit status.
inline int fail_here(Environment& env, Communicator& comm, const std::string& what,
                     const FailOptions& options) {
    bool answered_all = false;
    const RankFailure failure = comm.report_failure(what, options.answer_timeout, answered_all);
    print_failure(options, failure.what());
    if (!answered_all) {
        char text[96];
        std::snprintf(text, sizeof text, "not every rank heard of the failure within %.1f s: MPI_Abort",
                      options.answer_timeout.count());
        print_failure(options, text);
        MPI_Abort(comm.native(), 1);
    }
    comm.failure_barrier(options.answer_timeout);
    env.abandon();
    return 1;
}

}  // namespace detail

// Runs body() (the rank's whole program: loading, training, saving) and then a barrier; returns 0
// when every rank got through, 1 on every rank when one failed.
template <class F>
int run_together(Environment& env, Communicator& comm, F&& body, const FailOptions& options = {}) {
    try {
        body();
        comm.barrier();  // a rank that finished waits here for the others, and hears of their failures
        return 0;
    } catch (const RankFailure& failure) {  // another rank failed first
        detail::print_failure(options, failure.what());
        try {
            comm.answer_failure(failure.rank());
            comm.failure_barrier(options.answer_timeout);
        } catch (const std::exception&) {  // the failing rank aborts after its timeout
        }
        env.abandon();
        return 1;
    } catch (const std::exception& error) {
        return detail::fail_here(env, comm, error.what(), options);
    } catch (...) {
        return detail::fail_here(env, comm, "an exception that is not a std::exception", options);
    }
}

}  // namespace ctnn::dist
