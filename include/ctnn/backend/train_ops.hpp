// TrainOps<Self, T>: the training ops (core/train_ops.hpp) written once over Self::for_each and
// the per-element bodies of backend/train_bodies.hpp; a backend derives from it (CRTP) and hides
// an op with its own where its hardware wants another shape (cuda: losses and sums reduced in
// blocks). The reductions here store each scaled term in scratch and sum it with Self::sum, then
// write the device scalar from the host: right for a backend whose memory the host reads (cpu).
// DeviceSums<B, Count>: Count such device scalars and the scratch they share, read in one copy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ctnn/backend/train_bodies.hpp"
#include "ctnn/core/train_ops.hpp"

namespace ctnn {

template <class Self, class T>
struct TrainOps {
    // ------------------------------------------------------------ reductions
    // Scratch values: a loss stores its n scaled terms there; a sum needs none.
    static std::size_t loss_scratch(std::size_t n) { return n; }
    static std::size_t sum_scratch(std::size_t) { return 0; }

    static void reduce_sum(const T* x, std::size_t n, T* /*scratch*/, T* sum) { *sum = Self::sum(x, n); }

    // ------------------------------------------------------------ losses
    static void softmax_cross_entropy(const T* logits, const std::int32_t* labels, T* dlogits,
                                      std::size_t batch, std::size_t classes, T scale, T* scratch, T* sum) {
        Self::for_each(batch,
                       bodies::SoftmaxCrossEntropyRow<T>{logits, labels, dlogits, scratch, classes, scale});
        *sum = Self::sum(scratch, batch);
    }
    static void count_correct(const T* scores, const std::int32_t* labels, std::size_t batch,
                              std::size_t classes, T* scratch, T* sum) {
        Self::for_each(batch, bodies::CorrectRow<T>{scores, labels, scratch, classes});
        *sum = Self::sum(scratch, batch);
    }
    static void bce(const T* p, const float* targets, T* dp, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ops::BinaryCrossEntropy>(p, targets, dp, n, scale, scratch, sum);
    }
    static void bce_with_logits(const T* x, const float* targets, T* dx, std::size_t n, T scale, T* scratch,
                                T* sum) {
        elementwise_loss<ops::BinaryCrossEntropyWithLogits>(x, targets, dx, n, scale, scratch, sum);
    }
    static void mse(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ops::SquaredError>(y, targets, dy, n, scale, scratch, sum);
    }
    static void l1(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ops::AbsoluteError>(y, targets, dy, n, scale, scratch, sum);
    }
    template <float Delta>
    static void huber(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ops::Huber<Delta>>(y, targets, dy, n, scale, scratch, sum);
    }
    static void hinge(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ops::Hinge>(y, targets, dy, n, scale, scratch, sum);
    }
    static void wasserstein(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch,
                            T* sum) {
        elementwise_loss<ops::Wasserstein>(y, targets, dy, n, scale, scratch, sum);
    }

    // ------------------------------------------------------------ optimizer steps
    static void sgd_step(T* params, const T* grads, T* velocity, std::size_t n, const SgdHyper<T>& h) {
        if (h.momentum == T(0))
            Self::for_each(n, bodies::SgdPlain<T>{params, grads, h.lr, h.decay});
        else
            Self::for_each(n, bodies::SgdMomentum<T>{params, grads, velocity, h.lr, h.momentum, h.dampening,
                                                     h.decay, h.nesterov, h.first});
    }
    static void adam_step(T* params, const T* grads, T* exp_avg, T* exp_avg_sq, std::size_t n,
                          const AdamHyper<T>& h) {
        if (h.decoupled)
            Self::for_each(n, bodies::AdamStep<T, true>{params, grads, exp_avg, exp_avg_sq, h});
        else
            Self::for_each(n, bodies::AdamStep<T, false>{params, grads, exp_avg, exp_avg_sq, h});
    }

    static void rmsprop_step(T* params, const T* grads, T* square_avg, T* grad_avg, T* momentum_buffer,
                             std::size_t n, const RmspropHyper<T>& h) {
        const bool momentum = h.momentum != T(0);
        if (h.centered && momentum)
            Self::for_each(n, bodies::RmspropStep<T, true, true>{params, grads, square_avg, grad_avg,
                                                                 momentum_buffer, h});
        else if (h.centered)
            Self::for_each(
                n, bodies::RmspropStep<T, true, false>{params, grads, square_avg, grad_avg, nullptr, h});
        else if (momentum)
            Self::for_each(n, bodies::RmspropStep<T, false, true>{params, grads, square_avg, nullptr,
                                                                  momentum_buffer, h});
        else
            Self::for_each(
                n, bodies::RmspropStep<T, false, false>{params, grads, square_avg, nullptr, nullptr, h});
    }
    static void adagrad_step(T* params, const T* grads, T* sum, std::size_t n, const AdagradHyper<T>& h) {
        Self::for_each(n, bodies::AdagradStep<T>{params, grads, sum, h});
    }
    static void adadelta_step(T* params, const T* grads, T* square_avg, T* acc_delta, std::size_t n,
                              const AdadeltaHyper<T>& h) {
        Self::for_each(n, bodies::AdadeltaStep<T>{params, grads, square_avg, acc_delta, h});
    }

    // ------------------------------------------------------------ GAN training
    static void instance_noise(T* x, std::size_t n, T std, std::uint64_t key) {
        if (std == T(0)) return;
        Self::for_each(n, bodies::InstanceNoise<T>{x, std, key});
    }
    static void moving_average(const T* live, T* average, std::size_t n, T beta) {
        Self::for_each(n, bodies::MovingAverage<T>{live, average, beta});
    }
    static void sigmoid(const T* x, T* y, std::size_t n) { Self::for_each(n, bodies::Sigmoid<T>{x, y}); }

    // ------------------------------------------------------------ conditional GANs
    static void append_one_hot(const T* x, const std::int32_t* labels, std::size_t rows, std::size_t cols,
                               std::size_t classes, std::size_t spread, T* out) {
        const std::size_t width = cols + classes * spread;
        Self::for_each(rows * width, bodies::AppendOneHot<T>{x, labels, out, cols, spread, width});
    }
    static void take_columns(const T* x, std::size_t rows, std::size_t cols, std::size_t keep, T* out) {
        Self::for_each(rows * keep, bodies::TakeColumns<T>{x, out, cols, keep});
    }

    // ------------------------------------------------------------ gradient penalty
    static void interpolate_rows(const T* a, const T* b, const T* weights, std::size_t rows, std::size_t cols,
                                 T* out) {
        Self::for_each(rows * cols, bodies::InterpolateRows<T>{a, b, weights, out, cols});
    }
    static void row_norms(const T* x, std::size_t rows, std::size_t cols, T* norms) {
        Self::for_each(rows, bodies::RowNorm<T>{x, norms, cols});
    }
    static void step_along_rows(const T* x, const T* d, const T* norms, T h, std::size_t rows,
                                std::size_t cols, T* out) {
        Self::for_each(rows * cols, bodies::StepAlongRows<T>{x, d, norms, h, out, cols});
    }
    static void gradient_penalty(const T* norms, std::size_t rows, T lambda, T h, T* dplus, T* dminus,
                                 T* scratch, T* sum) {
        const T scale = rows ? lambda / static_cast<T>(rows) : T(0);
        Self::for_each(rows, bodies::GradientPenaltyRow<T>{norms, dplus, dminus, scratch, scale, h});
        *sum = Self::sum(scratch, rows);
    }
    static void fill_targets(float* targets, std::size_t n, float value) {
        Self::for_each(n, bodies::Fill<float>{targets, value});
    }

  private:
    template <class Op>
    static void elementwise_loss(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch,
                                 T* sum) {
        Self::for_each(n, bodies::ElementwiseLoss<T, Op>{y, targets, dy, scratch, scale});
        *sum = Self::sum(scratch, n);
    }
};

// Count device scalars (slot(i), backend memory) that reductions write, and the scratch they share
// (reserve(values): at least that many, from B::loss_scratch / B::sum_scratch; it grows, never
// shrinks). read() brings all Count to the host in one blocking copy: the only place their values
// leave the device.
template <class B, std::size_t Count>
class DeviceSums {
  public:
    using T = typename B::value_type;

    void reserve(std::size_t scratch_values) {
        const std::size_t need = Count + scratch_values;
        if (m_values.size() < need) m_values = B::template allocate<T>(need);
    }
    T* slot(std::size_t i) { return m_values.data() + i; }
    T* scratch() { return m_values.data() + Count; }
    std::array<T, Count> read() const {
        std::array<T, Count> host{};
        B::to_host(m_values.data(), host.data(), Count);
        return host;
    }

  private:
    typename B::template buffer<T> m_values;
};

}  // namespace ctnn
