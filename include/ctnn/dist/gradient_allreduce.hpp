// Gradient averaging across ranks as an OptimizationStep hook (train/step.hpp), two ways:
//   GradientAllreduce<B>: after backward, one blocking allreduce of [w x gradients, w x losses,
//     the other sums, a flag] staged through one host buffer (host staging, so a device backend
//     works with any MPI; for cpu::Blas the staging is a memcpy);
//   OverlappedGradientAllreduce<B>: attached to a Model, it hears each layer's backward finish
//     (Model::set_backward_listener) and starts a nonblocking MPI_Iallreduce per bucket of about
//     bucket_values gradients (last layers first, as Horovod and PyTorch DDP do); the hook waits.
// w is this rank's share of the global batch (n_local / n_global; losses use Reduction::mean), so
// the sum over ranks is the global batch's mean gradient and mean loss whatever the split; the
// other sums (correct counts, probability sums) are summed. The hook runs before the step reads
// its sums and checks them for NaN/Inf, so every rank sees the same numbers and skips or stops at
// the same step. A flag (set_flag, or watch(stop flag)) rides along: any_flag() and agreed() after
// the step are the same on every rank. Buffers are sized on the first step: later steps allocate nothing.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "ctnn/dist/communicator.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/train/step.hpp"

namespace ctnn::dist {

namespace detail {

// What both hooks share: the weight, the flag, the host sums after the reduction and the time.
template <Backend B>
class AllreduceState {
  public:
    using T = typename B::value_type;
    explicit AllreduceState(Communicator& comm) : m_comm(&comm), m_weight(1.0 / double(comm.size())) {}

    // This rank's share of the global batch of the next step (1 / size until set).
    void set_weight(double weight) { m_weight = weight; }
    double weight() const { return m_weight; }
    // A flag for the next step; after it, any_flag() is true on every rank when one set it.
    void set_flag(bool flag) { m_flag = flag; }
    bool any_flag() const { return m_any_flag; }
    // Or read the flag from *source at every step (a stop flag a signal handler sets); agreed()
    // holds any_flag() after each step, the same on every rank: a trainer's set_stop_flag takes it.
    void watch(const std::atomic<bool>* source) { m_source = source; }
    const std::atomic<bool>* agreed() const { return &m_agreed; }
    // The step's sums after the reduction (host values), as the step will read them.
    std::span<const T> reduced_sums() const { return {m_host_sums.data(), m_sum_count}; }
    // Seconds the last hook spent in MPI (its blocking wait), and over all steps.
    double last_seconds() const { return m_last_seconds; }
    double total_seconds() const { return m_total_seconds; }
    Communicator& communicator() { return *m_comm; }

  protected:
    // Scales n gradients (host) by the weight.
    void scale(T* values, std::size_t n) const {
        const T w = static_cast<T>(m_weight);
        for (std::size_t i = 0; i < n; ++i) values[i] *= w;
    }
    // sums (host, view.sum_count + 1 values): the losses weighted, the flag appended.
    void stage_sums(const GradientView<B>& view, T* sums) const {
        B::to_host(view.sums, sums, view.sum_count);
        scale(sums, view.loss_sums);
        const bool flag = m_flag || (m_source && m_source->load(std::memory_order_relaxed));
        sums[view.sum_count] = flag ? T(1) : T(0);
    }
    // After the reduction: the sums back into the step's device scalars, the flag read.
    void finish_sums(const GradientView<B>& view, const T* sums) {
        B::from_host(sums, view.sums, view.sum_count);
        m_host_sums.assign(sums, sums + view.sum_count);  // no allocation after the first step
        m_sum_count = view.sum_count;
        m_any_flag = sums[view.sum_count] > T(0);
        m_agreed.store(m_any_flag, std::memory_order_relaxed);
        m_flag = false;
    }
    void timed(std::chrono::steady_clock::time_point start) {
        m_last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        m_total_seconds += m_last_seconds;
    }

    Communicator* m_comm;
    double m_weight;
    bool m_flag = false, m_any_flag = false;
    const std::atomic<bool>* m_source = nullptr;
    std::atomic<bool> m_agreed{false};
    std::vector<T> m_host_sums;
    std::size_t m_sum_count = 0;
    double m_last_seconds = 0, m_total_seconds = 0;
};

}  // namespace detail

// One blocking allreduce of the gradients and the sums after backward.
template <Backend B>
class GradientAllreduce : public detail::AllreduceState<B> {
    using base = detail::AllreduceState<B>;

  public:
    using T = typename B::value_type;
    explicit GradientAllreduce(Communicator& comm) : base(comm) {}

    void operator()(const GradientView<B>& view) {
        const std::size_t p = view.count, s = view.sum_count;
        if (m_staging.size() < p + s + 1) m_staging.resize(p + s + 1);
        T* host = m_staging.data();
        B::to_host(view.gradients, host, p);
        this->scale(host, p);
        this->stage_sums(view, host + p);
        const auto start = std::chrono::steady_clock::now();
        this->m_comm->allreduce_sum(std::span<T>(host, p + s + 1));
        this->timed(start);
        B::from_host(host, view.gradients, p);
        this->finish_sums(view, host + p);
    }
    // The hook to add to an OptimizationStep; this object must outlive that step's use of it.
    GradientHook<B> hook() {
        return [this](const GradientView<B>& view) { (*this)(view); };
    }

  private:
    std::vector<T> m_staging;  // gradients, sums, flag
};

// Bucketed nonblocking allreduce, overlapped with backward. attach(model) once; add hook() to the
// model's OptimizationStep. The step's backward must run the model's backward() exactly once
// (Classifier's step does; Gan's discriminator step runs it twice, real then fake, and is refused
// with a clear error: use GradientAllreduce there).
template <Backend B>
class OverlappedGradientAllreduce : public detail::AllreduceState<B> {
    using base = detail::AllreduceState<B>;

  public:
    using T = typename B::value_type;
    // bucket_values: gradients per MPI_Iallreduce (at least one layer's; 64 Ki floats = 256 KiB).
    explicit OverlappedGradientAllreduce(Communicator& comm, std::size_t bucket_values = std::size_t{1} << 16)
        : base(comm), m_bucket(std::max<std::size_t>(bucket_values, 1)) {}

    template <class Net>
    void attach(Model<Net, B>& model) {
        m_gradients = model.gradients();
        m_count = Net::param_count;
        m_staging.assign(m_count + 64, T(0));
        m_requests.reserve(Net::depth + 2);
        reset();
        model.set_backward_listener([this](std::size_t offset, std::size_t n) { layer_done(offset, n); });
    }
    template <class Net>
    void detach(Model<Net, B>& model) {
        model.set_backward_listener({});
        m_gradients = nullptr;
    }

    void operator()(const GradientView<B>& view) {
        if (view.gradients != m_gradients)
            throw std::logic_error(
                "OverlappedGradientAllreduce: the hook's step is not the attached model's");
        const std::size_t s = view.sum_count;
        if (m_staging.size() < m_count + s + 1)  // (buckets in flight point into m_staging: never resized)
            throw std::logic_error("OverlappedGradientAllreduce: a step with more than 63 sums");
        if (m_ready > 0) {  // layers whose backward did not report (none ran): stage them now
            B::to_host(m_gradients, m_staging.data(), m_ready);
            this->scale(m_staging.data(), m_ready);
            m_ready = 0;
        }
        if (m_started > 0) start_bucket(0, m_started);
        T* sums = m_staging.data() + m_count;
        this->stage_sums(view, sums);
        const auto start = std::chrono::steady_clock::now();
        m_requests.push_back(this->m_comm->start_allreduce_sum(std::span<T>(sums, s + 1)));
        this->m_comm->wait_all(m_requests, "MPI_Iallreduce");
        this->timed(start);
        B::from_host(m_staging.data(), m_gradients, m_count);
        this->finish_sums(view, sums);
        reset();
    }
    GradientHook<B> hook() {
        return [this](const GradientView<B>& view) { (*this)(view); };
    }
    std::size_t last_buckets() const { return m_last_buckets; }

  private:
    // Layer [offset, offset + n) is done: backward goes from the last layer to the first, so the
    // finished gradients are always [m_ready, count): a range that does not end at m_ready means
    // backward ran again in this step.
    void layer_done(std::size_t offset, std::size_t n) {
        if (offset + n != m_ready)
            throw std::logic_error(
                "OverlappedGradientAllreduce: the model ran backward more than once in one step "
                "(its gradients would be reduced before they are complete); use "
                "GradientAllreduce, one allreduce after backward, for this step");
        B::to_host(m_gradients + offset, m_staging.data() + offset, n);
        this->scale(m_staging.data() + offset, n);
        m_ready = offset;
        if (m_started - m_ready >= m_bucket)
            start_bucket(m_ready, m_started);
        else if (!m_requests.empty())
            this->m_comm->test_all(m_requests);  // lets the buckets in flight progress
    }
    void start_bucket(std::size_t first, std::size_t last) {
        m_requests.push_back(
            this->m_comm->start_allreduce_sum(std::span<T>(m_staging.data() + first, last - first)));
        m_started = first;
        ++m_buckets;
    }
    void reset() {
        m_ready = m_started = m_count;
        m_requests.clear();
        m_last_buckets = m_buckets;
        m_buckets = 0;
    }

    std::size_t m_bucket;
    T* m_gradients = nullptr;
    std::size_t m_count = 0;
    std::size_t m_ready = 0;    // gradients [m_ready, count) are complete and staged
    std::size_t m_started = 0;  // gradients [m_started, count) are in buckets already started
    std::size_t m_buckets = 0, m_last_buckets = 0;
    std::vector<T> m_staging;  // gradients, sums, flag
    std::vector<MPI_Request> m_requests;
};

}  // namespace ctnn::dist
