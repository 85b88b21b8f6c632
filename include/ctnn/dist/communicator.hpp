// MPI for data-parallel training: Environment (MPI_Init_thread / MPI_Finalize, RAII) and
// Communicator (rank, size; allreduce sum/average, broadcast, barrier over host spans). Every
// collective is nonblocking underneath and waited for by polling, and between polls the
// communicator looks at a private error channel (a duplicate of the communicator): when another
// rank reports a failure (report_failure, used by fail_together.hpp) the wait throws RankFailure
// with that rank's message instead of waiting forever. A failed MPI call throws MpiError naming the
// call and MPI's error text (the communicators return errors instead of aborting).
// MPI calls come from one thread (MPI_THREAD_FUNNELED): ctnn's thread pool never calls MPI.
#pragma once

#include <mpi.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ctnn::dist {

// An MPI call returned an error: "MPI_Iallreduce failed: <MPI's error string>".
class MpiError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A rank failed: what() is "rank R failed: <its message>", the same text on every rank.
class RankFailure : public std::runtime_error {
  public:
    RankFailure(int rank, const std::string& reason)
        : std::runtime_error("rank " + std::to_string(rank) + " failed: " + reason),
          m_rank(rank),
          m_reason(reason) {}
    int rank() const { return m_rank; }
    const std::string& reason() const { return m_reason; }

  private:
    int m_rank;
    std::string m_reason;
};

namespace detail {

inline void check_mpi(int rc, const char* call) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(rc, text, &length) != MPI_SUCCESS) length = 0;
    throw MpiError(
        std::string(call) + " failed: " +
        (length > 0 ? std::string(text, std::size_t(length)) : "error code " + std::to_string(rc)));
}

template <class T>
MPI_Datatype mpi_type();
template <>
inline MPI_Datatype mpi_type<float>() {
    return MPI_FLOAT;
}
template <>
inline MPI_Datatype mpi_type<double>() {
    return MPI_DOUBLE;
}
template <>
inline MPI_Datatype mpi_type<std::int32_t>() {
    return MPI_INT32_T;
}
template <>
inline MPI_Datatype mpi_type<std::int64_t>() {
    return MPI_INT64_T;
}
template <>
inline MPI_Datatype mpi_type<std::uint64_t>() {
    return MPI_UINT64_T;
}
template <>
inline MPI_Datatype mpi_type<char>() {
    return MPI_CHAR;
}

inline constexpr int failure_tag = 0x6374;  // a rank's failure message (chars)
inline constexpr int answer_tag = 0x6375;   // "received" (empty), sent back to the failing rank

}  // namespace detail

// True when this process was started by mpirun / mpiexec (Open MPI, MPICH, Slurm or any PMI/PMIx
// launcher sets these), so a program built with MPI can also run alone without calling MPI_Init.
inline bool launched_by_mpirun() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
        if (std::getenv(name)) return true;
    return false;
}

// MPI_Init_thread on construction unless MPI is already initialised, MPI_Finalize on destruction
// when this object initialised it. After a failure (abandon()) another rank may still wait in a
// collective that will never complete, so MPI_Finalize is left out and the process just exits.
class Environment {
  public:
    Environment() { init(nullptr, nullptr); }
    Environment(int& argc, char**& argv) { init(&argc, &argv); }
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;
    ~Environment() {
        int finalized = 1;
        MPI_Finalized(&finalized);
        if (m_owner && !m_abandoned && !finalized) MPI_Finalize();
    }
    void abandon() { m_abandoned = true; }

  private:
    void init(int* argc, char*** argv) {
        int initialized = 0;
        detail::check_mpi(MPI_Initialized(&initialized), "MPI_Initialized");
        if (initialized) return;
        int provided = 0;
        detail::check_mpi(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
        m_owner = true;
        detail::check_mpi(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN),
                          "MPI_Comm_set_errhandler");
    }
    bool m_owner = false;
    bool m_abandoned = false;
};

class Communicator {
  public:
    // Duplicates `comm` twice (collective: every rank constructs its Communicator together): one
    // for the data, one for failure messages, so neither can match the other's traffic.
    explicit Communicator(MPI_Comm comm = MPI_COMM_WORLD) {
        detail::check_mpi(MPI_Comm_dup(comm, &m_comm), "MPI_Comm_dup");
        detail::check_mpi(MPI_Comm_set_errhandler(m_comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
        detail::check_mpi(MPI_Comm_dup(comm, &m_errors), "MPI_Comm_dup");
        detail::check_mpi(MPI_Comm_set_errhandler(m_errors, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
        detail::check_mpi(MPI_Comm_rank(m_comm, &m_rank), "MPI_Comm_rank");
        detail::check_mpi(MPI_Comm_size(m_comm, &m_size), "MPI_Comm_size");
    }
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;
    ~Communicator() {
        int finalized = 1;
        MPI_Finalized(&finalized);
        if (finalized || m_failed) return;  // after a failure requests may be pending: leave them
        MPI_Comm_free(&m_errors);
        MPI_Comm_free(&m_comm);
    }

    int rank() const { return m_rank; }
    int size() const { return m_size; }
    bool is_root() const { return m_rank == 0; }
    MPI_Comm native() const { return m_comm; }
    bool failed() const { return m_failed; }

    // values = the element-wise sum (or mean) over the ranks, in place, on every rank.
    template <class T>
    void allreduce_sum(std::span<T> values) {
        MPI_Request request = start_allreduce_sum(values);
        wait(request, "MPI_Iallreduce");
    }
    template <class T>
    void allreduce_average(std::span<T> values) {
        allreduce_sum(values);
        const T scale = T(1) / static_cast<T>(m_size);
        for (T& v : values) v *= scale;
    }
    template <class T>
    void allreduce_max(std::span<T> values) {
        MPI_Request request = MPI_REQUEST_NULL;
        detail::check_mpi(MPI_Iallreduce(MPI_IN_PLACE, values.data(), count(values.size()),
                                         detail::mpi_type<T>(), MPI_MAX, m_comm, &request),
                          "MPI_Iallreduce");
        wait(request, "MPI_Iallreduce");
    }
    // True on every rank when `local` is true on any.
    bool any(bool local) {
        std::int32_t flag = local ? 1 : 0;
        allreduce_max(std::span<std::int32_t>(&flag, 1));
        return flag != 0;
    }
    // Starts a sum allreduce of values in place; finish it with wait()/wait_all(). The span must
    // stay alive and untouched until then.
    template <class T>
    MPI_Request start_allreduce_sum(std::span<T> values) {
        MPI_Request request = MPI_REQUEST_NULL;
        detail::check_mpi(MPI_Iallreduce(MPI_IN_PLACE, values.data(), count(values.size()),
                                         detail::mpi_type<T>(), MPI_SUM, m_comm, &request),
                          "MPI_Iallreduce");
        return request;
    }

    // values = root's values, on every rank.
    template <class T>
    void broadcast(std::span<T> values, int root = 0) {
        MPI_Request request = MPI_REQUEST_NULL;
        detail::check_mpi(
            MPI_Ibcast(values.data(), count(values.size()), detail::mpi_type<T>(), root, m_comm, &request),
            "MPI_Ibcast");
        wait(request, "MPI_Ibcast");
    }
    void broadcast(std::string& text, int root = 0) {
        std::uint64_t length = text.size();
        broadcast(std::span<std::uint64_t>(&length, 1), root);
        text.resize(length);
        broadcast(std::span<char>(text.data(), text.size()), root);
    }
    void barrier() {
        MPI_Request request = MPI_REQUEST_NULL;
        detail::check_mpi(MPI_Ibarrier(m_comm, &request), "MPI_Ibarrier");
        wait(request, "MPI_Ibarrier");
    }

    // Waits for requests by polling; in between, a failure message from another rank ends the wait
    // with RankFailure. MPI_Testall also drives the progress of nonblocking collectives.
    void wait(MPI_Request& request, const char* call = "MPI_Wait") { wait_all(std::span(&request, 1), call); }
    void wait_all(std::span<MPI_Request> requests, const char* call = "MPI_Waitall") {
        for (;;) {
            int done = 0;
            detail::check_mpi(
                MPI_Testall(count(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE), call);
            if (done) return;
            check_failures();
            std::this_thread::yield();  // ranks may share cores with each other and with ctnn's threads
        }
    }
    // One MPI_Testall (progress for requests in flight); true when all are complete.
    bool test_all(std::span<MPI_Request> requests) {
        int done = 0;
        detail::check_mpi(MPI_Testall(count(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE),
                          "MPI_Testall");
        return done != 0;
    }

    // Throws RankFailure if another rank has reported a failure. The failing rank waits (up to its
    // timeout) for answer_failure, which the catcher sends once it has said so (fail_together.hpp).
    void check_failures() {
        int rank = -1;
        std::string reason;
        if (!receive_failure(rank, reason)) return;
        m_failed = true;
        throw RankFailure(rank, reason);
    }
    void answer_failure(int rank) {
        // A zero-byte message: sent eagerly, so this returns at once.
        detail::check_mpi(MPI_Send(nullptr, 0, MPI_CHAR, rank, detail::answer_tag, m_errors), "MPI_Send");
    }

    // This rank failed: tells every other rank (their next wait throws RankFailure) and waits up to
    // `timeout` for all of them to answer (or to report failures of their own). Returns the lowest
    // failing rank heard of (this one included) and its message, so that ranks that failed together
    // print one text. Ranks that did not answer in time: false in `answered_all` (the caller aborts).
    RankFailure report_failure(const std::string& what, std::chrono::duration<double> timeout,
                               bool& answered_all) {
        m_failed = true;
        m_failure_text = what.substr(0, 4000);
        std::vector<MPI_Request> sends;
        std::vector<bool> answered(std::size_t(m_size), false);
        answered[std::size_t(m_rank)] = true;
        for (int r = 0; r < m_size; ++r) {
            if (r == m_rank) continue;
            MPI_Request request = MPI_REQUEST_NULL;
            if (MPI_Isend(m_failure_text.data(), count(m_failure_text.size()), MPI_CHAR, r,
                          detail::failure_tag, m_errors, &request) == MPI_SUCCESS)
                sends.push_back(request);
        }
        int lowest = m_rank;
        std::string lowest_text = m_failure_text;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::size_t pending = std::size_t(m_size) - 1;
        while (pending > 0 && std::chrono::steady_clock::now() < deadline) {
            int flag = 0;
            MPI_Status status;
            if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, m_errors, &flag, &status) != MPI_SUCCESS) break;
            if (!flag) {
                if (!sends.empty()) test_all(sends);
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            int length = 0;
            MPI_Get_count(&status, MPI_CHAR, &length);
            std::string text(std::size_t(length), '\0');
            MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, m_errors,
                     MPI_STATUS_IGNORE);
            if (status.MPI_TAG == detail::failure_tag && status.MPI_SOURCE < lowest)
                lowest = status.MPI_SOURCE, lowest_text = text;
            if (!answered[std::size_t(status.MPI_SOURCE)])
                answered[std::size_t(status.MPI_SOURCE)] = true, --pending;
        }
        answered_all = pending == 0;
        return RankFailure(lowest, lowest_text);
    }

    // After a failure, once this rank has printed it: waits (up to timeout) until every rank has,
    // so that no rank's exit (mpirun then ends the job) cuts another's message short.
    bool failure_barrier(std::chrono::duration<double> timeout) {
        MPI_Request request = MPI_REQUEST_NULL;
        if (MPI_Ibarrier(m_errors, &request) != MPI_SUCCESS) return false;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int done = 0;
            if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return false;
            if (done) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return false;
    }

  private:
    static int count(std::size_t n) {
        if (n > static_cast<std::size_t>(INT32_MAX))
            throw MpiError("ctnn::dist: " + std::to_string(n) +
                           " values are more than one MPI call can take");
        return static_cast<int>(n);
    }
    bool receive_failure(int& rank, std::string& reason) {
        int flag = 0;
        MPI_Status status;
        detail::check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, detail::failure_tag, m_errors, &flag, &status),
                          "MPI_Iprobe");
        if (!flag) return false;
        int length = 0;
        detail::check_mpi(MPI_Get_count(&status, MPI_CHAR, &length), "MPI_Get_count");
        reason.assign(std::size_t(length), '\0');
        detail::check_mpi(MPI_Recv(reason.data(), length, MPI_CHAR, status.MPI_SOURCE, detail::failure_tag,
                                   m_errors, MPI_STATUS_IGNORE),
                          "MPI_Recv");
        rank = status.MPI_SOURCE;
        return true;
    }

    MPI_Comm m_comm = MPI_COMM_NULL;
    MPI_Comm m_errors = MPI_COMM_NULL;
    int m_rank = 0, m_size = 1;
    bool m_failed = false;
    std::string m_failure_text;  // the buffer of the failure messages in flight
};

}  // namespace ctnn::dist
