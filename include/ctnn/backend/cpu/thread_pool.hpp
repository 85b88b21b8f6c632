// ThreadPool: the CPU backend's own threads. run(parts, f) calls f(part) for every part in
// [0, parts), the calling thread taking part 0 and then any part no worker has claimed yet,
// and returns when all are done: a worker that is slow to wake (a busy machine) delays
// nothing, the caller does its share. A call made from inside a part (a kernel that calls
// another backend op) runs its parts one after another on that thread, so work is never
// split twice. Workers spin briefly after a job (the next op usually follows within
// microseconds), then sleep on a condition variable. A dispatch allocates nothing. Part p of
// a parallel run uses the pool's scratch set p (cpu/scratch.hpp), whichever thread runs it.
// ctnn::set_num_threads sizes the pool and holds OpenBLAS to one thread: ctnn's threads x
// BLAS threads never exceed the count asked for.
#pragma once

#include <cblas.h>

#include "ctnn/backend/cpu/scratch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define CTNN_CPU_PAUSE() _mm_pause()
#else
#define CTNN_CPU_PAUSE() std::this_thread::yield()
#endif

namespace ctnn::cpu {

class ThreadPool {
  public:
    // The process's pool; first use starts it with one thread per core.
    static ThreadPool& instance() {
        static ThreadPool pool(hardware_threads());
        return pool;
    }

    static std::size_t hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    ~ThreadPool() { stop(); }

    // Threads that run parts, the caller included.
    std::size_t size() const { return m_workers.size() + 1; }

    // True on a thread while it runs a part: nested backend ops then stay on that thread.
    static bool inside() { return t_inside; }

    // Sets the number of threads (>= 1). Not to be called while a run() is in progress.
    void resize(std::size_t threads) {
        threads = std::max<std::size_t>(threads, 1);
        if (threads == size()) return;
        std::lock_guard<std::mutex> lock(m_run);
        stop();
        m_stopping.store(false);
        m_part_scratch = std::vector<detail::ScratchSet>(threads);
        // A worker's first job is the first generation after this one (read here, not in the
        // new thread: a run() may start a job before the thread does).
        const std::uint64_t generation = m_state.load() >> 32;
        for (std::size_t i = 1; i < threads; ++i)
            m_workers.emplace_back([this, generation] { work(generation); });
    }

    // Calls f(part) for part in [0, parts), concurrently when parts > 1 and this pool has
    // workers; returns when every part is done.
    template <class F>
    void run(std::size_t parts, F&& f) {
        if (parts == 0) return;
        std::unique_lock<std::mutex> lock(m_run, std::try_to_lock);
        using Fn = std::remove_reference_t<F>;
        void* const context = const_cast<void*>(static_cast<const void*>(&f));
        // Every part runs through this one function (not f inlined at each call below: a body
        // is a whole kernel, and three copies of it cost compile time).
        constexpr void (*job)(void*, std::size_t) = &call<Fn>;
        if (parts == 1 || t_inside || m_workers.empty() || !lock.owns_lock()) {
            // One part, a nested call, no workers, or another thread's run in progress: serial.
            const bool was_inside = t_inside;
            t_inside = true;
            for (std::size_t p = 0; p < parts; ++p) job(context, p);
            t_inside = was_inside;
            return;
        }
        m_job.store(job);
        m_context.store(context);
        m_parts.store(parts);
        m_done.store(0);
        const std::uint64_t generation = (m_state.load() >> 32) + 1;
        m_state.store(generation << 32 | 1);  // part 0 is the caller's
        wake();
        t_inside = true;
        run_part(job, context, 0);
        m_done.fetch_add(1);
        // Then every part no worker has claimed yet.
        for (std::uint64_t s = m_state.load(); (s & index_mask) < parts;) {
            if (!m_state.compare_exchange_weak(s, s + 1)) continue;
            run_part(job, context, static_cast<std::size_t>(s & index_mask));
            m_done.fetch_add(1);
            s = m_state.load();
        }
        t_inside = false;
        // Parts still running on workers are short: spin (a yield on a busy machine would hand
        // the core to another process for a whole time slice), yield only after ~1 ms.
        const auto spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
        for (std::size_t spins = 0; m_done.load() != parts; ++spins)
            if (spins % 64 != 63 || std::chrono::steady_clock::now() < spin_until)
                CTNN_CPU_PAUSE();
            else
                std::this_thread::yield();
    }

  private:
    static constexpr std::uint64_t index_mask = 0xFFFFFFFFull;

    template <class Fn>
    [[gnu::noinline]] static void call(void* context, std::size_t part) {
        (*static_cast<Fn*>(context))(part);
    }

    explicit ThreadPool(std::size_t threads) {
        openblas_set_num_threads(1);  // the pool splits the work; BLAS calls run inside its parts
        resize(threads);
    }

    // Wakes sleeping workers after a new generation is published. The mutex makes it reliable:
    // a worker checks the generation under it before it sleeps.
    void wake() {
        { std::lock_guard<std::mutex> lock(m_sleep); }
        m_wake.notify_all();
    }

    // Claims and runs parts of generation `generation` until none is left (or a newer job
    // started). The job's description is read between two reads of the state word: unchanged
    // state means no part of this job was claimed meanwhile, so the job is not finished and
    // its description not yet replaced.
    void help(std::uint64_t generation) {
        for (;;) {
            std::uint64_t s = m_state.load();
            if (s >> 32 != generation) return;
            const auto job = m_job.load();
            void* const context = m_context.load();
            const std::size_t parts = m_parts.load();
            if (m_state.load() != s) continue;
            if ((s & index_mask) >= parts) return;
            if (!m_state.compare_exchange_weak(s, s + 1)) continue;
            run_part(job, context, static_cast<std::size_t>(s & index_mask));
            m_done.fetch_add(1);
        }
    }

    // One part of a parallel run, with that part's scratch set.
    void run_part(void (*job)(void*, std::size_t), void* context, std::size_t part) {
        const ScratchScope scope(part < m_part_scratch.size() ? &m_part_scratch[part] : nullptr);
        job(context, part);
    }

    void work(std::uint64_t seen) {
        for (;;) {
            // Spin for ~200 us after a job: in a training step the next op usually follows within
            // that (the serial ops between two parallel ones are short), and waking costs more.
            const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
            std::uint64_t generation = m_state.load() >> 32;
            for (std::size_t spins = 0; generation == seen; ++spins) {
                if (spins % 64 == 63 && std::chrono::steady_clock::now() > spin_until) {
                    std::unique_lock<std::mutex> lock(m_sleep);
                    m_wake.wait(lock, [&] { return m_state.load() >> 32 != seen; });
                } else {
                    CTNN_CPU_PAUSE();
                }
                generation = m_state.load() >> 32;
            }
            if (m_stopping.load()) return;
            seen = generation;
            t_inside = true;
            help(generation);
            t_inside = false;
        }
    }

    void stop() {
        if (m_workers.empty()) return;
        m_stopping.store(true);
        m_parts.store(0);
        m_state.store(((m_state.load() >> 32) + 1) << 32);
        wake();
        for (auto& thread : m_workers) thread.join();
        m_workers.clear();
    }

    static inline thread_local bool t_inside = false;

    std::vector<std::thread> m_workers;
    std::vector<detail::ScratchSet> m_part_scratch;  // one per part of a parallel run
    std::mutex m_run;                                // one run() at a time; others run serially
    std::mutex m_sleep;
    std::condition_variable m_wake;
    std::atomic<std::uint64_t> m_state{0};  // generation << 32 | next unclaimed part
    std::atomic<void (*)(void*, std::size_t)> m_job{nullptr};
    std::atomic<void*> m_context{nullptr};
    std::atomic<std::size_t> m_parts{0};
    std::atomic<std::size_t> m_done{0};
    std::atomic<bool> m_stopping{false};
};

// Splits [0, n) into at most `parts` contiguous ranges of about equal size (never an empty one)
// and calls body(begin, end, part) for each, in parallel on the pool.
template <class Body>
void parallel_ranges(std::size_t n, std::size_t parts, Body&& body) {
    parts = std::min(parts, n);
    if (parts <= 1) {
        if (n) body(std::size_t{0}, n, std::size_t{0});
        return;
    }
    ThreadPool::instance().run(
        parts, [&](std::size_t part) { body(n * part / parts, n * (part + 1) / parts, part); });
}

// The number of parts worth splitting `work` into on this pool: one per `grain` of work, at
// most one per thread; 1 inside a running part.
inline std::size_t parallel_parts(double work, double grain) {
    if (ThreadPool::inside()) return 1;
    const std::size_t threads = ThreadPool::instance().size();
    return std::clamp<std::size_t>(static_cast<std::size_t>(work / grain), 1, threads);
}

}  // namespace ctnn::cpu
