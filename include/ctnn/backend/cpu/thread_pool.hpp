// ThreadPool: the CPU backend's own threads. run(parts, f) calls f(part) for every part in
// [0, parts) at once, the calling thread taking part 0, and returns when all are done; a call
// made from inside a part (a kernel that calls another backend op) runs its parts one after
// another on that thread, so work is never split twice. Workers spin briefly after a job (the
// next op usually follows within microseconds), then sleep on a condition variable. A dispatch allocates
// nothing. ctnn::set_num_threads sizes the pool and holds OpenBLAS to one thread: ctnn's
// threads x BLAS threads never exceed the count asked for.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
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
        m_stopping.store(false, std::memory_order_relaxed);
        // A worker's first job is the first generation after this one (read here, not in the
        // new thread: a run() may bump it before the thread starts).
        const std::uint64_t generation = m_generation.load(std::memory_order_acquire);
        for (std::size_t i = 1; i < threads; ++i) m_workers.emplace_back([this, generation] { work(generation); });
    }

    // Calls f(part) for part in [0, parts), concurrently when parts > 1 and this pool has the
    // threads (parts beyond size() run on the threads in turn); returns when every part is done.
    template <class F>
    void run(std::size_t parts, F&& f) {
        if (parts == 0) return;
        std::unique_lock<std::mutex> lock(m_run, std::try_to_lock);
        if (parts == 1 || t_inside || m_workers.empty() || !lock.owns_lock()) {
            // One part, a nested call, no workers, or another thread's run in progress: serial.
            const bool was_inside = t_inside;
            t_inside = true;
            for (std::size_t p = 0; p < parts; ++p) f(p);
            t_inside = was_inside;
            return;
        }
        using Fn = std::remove_reference_t<F>;
        m_job = [](void* context, std::size_t part) { (*static_cast<Fn*>(context))(part); };
        m_context = const_cast<void*>(static_cast<const void*>(&f));
        m_parts = parts;
        m_next.store(1, std::memory_order_relaxed);
        m_pending.store(m_workers.size(), std::memory_order_relaxed);
        wake();
        t_inside = true;
        f(0);
        take_parts();
        t_inside = false;
        for (std::size_t spins = 0; m_pending.load(std::memory_order_acquire) != 0; ++spins)
            if (spins < 4096)
                CTNN_CPU_PAUSE();
            else
                std::this_thread::yield();
    }

private:
    explicit ThreadPool(std::size_t threads) {
        openblas_set_num_threads(1);  // the pool splits the work; BLAS calls run inside its parts
        resize(threads);
    }

    // Runs parts [1, parts) as long as there are any left (workers and the caller share them).
    void take_parts() {
        for (std::size_t p = m_next.fetch_add(1, std::memory_order_relaxed); p < m_parts;
             p = m_next.fetch_add(1, std::memory_order_relaxed))
            m_job(m_context, p);
    }

    // A new generation is a new job (or the stop signal). The mutex makes the wake-up of a
    // sleeping worker reliable: it checks the generation under it before it sleeps.
    void wake() {
        m_generation.fetch_add(1, std::memory_order_release);
        { std::lock_guard<std::mutex> lock(m_sleep); }
        m_wake.notify_all();
    }

    void work(std::uint64_t seen) {
        for (;;) {
            // Spin for ~50 us after a job: in a training step the next op follows within microseconds.
            const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
            std::uint64_t now = m_generation.load(std::memory_order_acquire);
            for (std::size_t spins = 0; now == seen; ++spins) {
                if (spins % 64 == 63 && std::chrono::steady_clock::now() > spin_until) {
                    std::unique_lock<std::mutex> lock(m_sleep);
                    m_wake.wait(lock, [&] { return m_generation.load(std::memory_order_acquire) != seen; });
                } else {
                    CTNN_CPU_PAUSE();
                }
                now = m_generation.load(std::memory_order_acquire);
            }
            seen = now;
            if (m_stopping.load(std::memory_order_acquire)) return;
            t_inside = true;
            take_parts();
            t_inside = false;
            m_pending.fetch_sub(1, std::memory_order_acq_rel);
        }
    }

    void stop() {
        if (m_workers.empty()) return;
        m_stopping.store(true, std::memory_order_release);
        wake();
        for (auto& thread : m_workers) thread.join();
        m_workers.clear();
    }

    static inline thread_local bool t_inside = false;

    std::vector<std::thread> m_workers;
    std::mutex m_run;  // one run() at a time; others run serially
    std::mutex m_sleep;
    std::condition_variable m_wake;
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<std::size_t> m_next{0};
    std::atomic<std::size_t> m_pending{0};
    std::atomic<bool> m_stopping{false};
    void (*m_job)(void*, std::size_t) = nullptr;
    void* m_context = nullptr;
    std::size_t m_parts = 0;
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
    ThreadPool::instance().run(parts, [&](std::size_t part) {
        body(n * part / parts, n * (part + 1) / parts, part);
    });
}

// The number of parts worth splitting `work` into on this pool: one per `grain` of work, at
// most one per thread; 1 inside a running part.
inline std::size_t parallel_parts(double work, double grain) {
    if (ThreadPool::inside()) return 1;
    const std::size_t threads = ThreadPool::instance().size();
    return std::clamp<std::size_t>(static_cast<std::size_t>(work / grain), 1, threads);
}

}  // namespace ctnn::cpu
