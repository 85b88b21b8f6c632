// The per-element (per-row for softmax cross-entropy) bodies of the training ops
// (core/train_ops.hpp), as CTNN_HD functors: captured pointers and values are members,
// operator()(i) is one body. The shared ops of backend/train_ops.hpp run them through a backend's
// for_each (cpu::Blas: the loops the losses and optimizers ran before); loss bodies also give
// term(i), the element's (row's) scaled loss, which the GPU kernels sum in a block reduction
// (backend/cuda/train_kernels.cuh) where the CPU stores it in terms[i] and sums those.
// N batch, K classes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/random.hpp"
#include "ctnn/core/train_ops.hpp"

namespace ctnn {

// The element-wise losses: apply(y, t, loss, grad) gives the loss of one output y against its
// target t and d loss / d y.
namespace ops {
struct BinaryCrossEntropy {  // y a probability; logs clamped at -100 as PyTorch does
    template <class T>
    static CTNN_HD void apply(T p, T t, T& loss, T& grad) {
        const T log_p = std::max(std::log(p), T(-100));
        const T log_1mp = std::max(std::log1p(-p), T(-100));
        loss = -(t * log_p + (T(1) - t) * log_1mp);
        const T eps = T(1e-12);
        grad = (p - t) / std::max((T(1) - p) * p, eps);
    }
};
struct BinaryCrossEntropyWithLogits {  // y a logit: max(x,0) - x t + log(1 + exp(-|x|))
    template <class T>
    static CTNN_HD void apply(T x, T t, T& loss, T& grad) {
        loss = std::max(x, T(0)) - x * t + std::log1p(std::exp(-std::abs(x)));
        const T sigmoid = x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
        grad = sigmoid - t;
    }
};
struct Hinge {  // y a critic output, t = +1 (real) or -1 (fake): max(0, 1 - t y)
    template <class T>
    static CTNN_HD void apply(T y, T t, T& loss, T& grad) {
        const T margin = T(1) - t * y;
        loss = margin > T(0) ? margin : T(0);
        grad = margin > T(0) ? -t : T(0);
    }
};
struct Wasserstein {  // y a critic output, t = +1 or -1: -t y (a critic's or generator's linear loss)
    template <class T>
    static CTNN_HD void apply(T y, T t, T& loss, T& grad) {
        loss = -t * y;
        grad = -t;
    }
};
struct SquaredError {
    template <class T>
    static CTNN_HD void apply(T y, T t, T& loss, T& grad) {
        const T diff = y - t;
        loss = diff * diff;
        grad = T(2) * diff;
    }
};
// |y - t|; the gradient's sign, 0 at y == t (PyTorch's L1Loss).
struct AbsoluteError {
    template <class T>
    static CTNN_HD void apply(T y, T t, T& loss, T& grad) {
        const T diff = y - t;
        loss = diff < T(0) ? -diff : diff;
        grad = diff > T(0) ? T(1) : (diff < T(0) ? T(-1) : T(0));
    }
};
// PyTorch's HuberLoss: d^2 / 2 for |d| < delta, else delta (|d| - delta / 2), d = y - t.
template <float Delta>
struct Huber {
    template <class T>
    static CTNN_HD void apply(T y, T t, T& loss, T& grad) {
        const T diff = y - t, size = diff < T(0) ? -diff : diff, delta = T(Delta);
        loss = size < delta ? T(0.5) * diff * diff : delta * (size - T(0.5) * delta);
        grad = size < delta ? diff : (diff > T(0) ? delta : -delta);
    }
};
}  // namespace ops

namespace bodies {

// ---------------------------------------------------------------- losses

// Element i: dy[i] = scale d loss / d y, term = scale loss (terms[i] on the CPU).
template <class T, class Op>
struct ElementwiseLoss {
    const T* y;
    const float* targets;
    T* dy;
    T* terms;
    T scale;
    CTNN_HD T term(std::size_t i) const {
        T loss, grad;
        Op::apply(y[i], static_cast<T>(targets[i]), loss, grad);
        dy[i] = grad * scale;
        return loss * scale;
    }
    CTNN_HD void operator()(std::size_t i) const { terms[i] = term(i); }
};

// Row n of the (N, K) logits: dlogits = scale (softmax - onehot(label)), term = scale (logsumexp
// - x[label]) with the row's max subtracted (stable for huge logits).
template <class T>
struct SoftmaxCrossEntropyRow {
    const T* logits;
    const std::int32_t* labels;
    T* dlogits;
    T* terms;
    std::size_t classes;
    T scale;
    CTNN_HD T term(std::size_t n) const {
        const std::size_t K = classes;
        const T* x = logits + n * K;
        T* dx = dlogits + n * K;
        T max = x[0];
        for (std::size_t k = 1; k < K; ++k) max = x[k] > max ? x[k] : max;
        T total = 0;
        for (std::size_t k = 0; k < K; ++k) total += (dx[k] = std::exp(x[k] - max));
        const auto target = static_cast<std::size_t>(labels[n]);
        const T loss = (std::log(total) + max - x[target]) * scale;
        const T inverse = scale / total;
        for (std::size_t k = 0; k < K; ++k) dx[k] *= inverse;
        dx[target] -= scale;
        return loss;
    }
    CTNN_HD void operator()(std::size_t n) const { terms[n] = term(n); }
};

// Row n of the (N, K) scores: term = 1 when its first maximum is at labels[n], else 0.
template <class T>
struct CorrectRow {
    const T* scores;
    const std::int32_t* labels;
    T* terms;
    std::size_t classes;
    CTNN_HD T term(std::size_t n) const {
        const T* x = scores + n * classes;
        std::size_t best = 0;
        for (std::size_t k = 1; k < classes; ++k)
            if (x[k] > x[best]) best = k;
        return static_cast<std::int32_t>(best) == labels[n] ? T(1) : T(0);
    }
    CTNN_HD void operator()(std::size_t n) const { terms[n] = term(n); }
};

// ---------------------------------------------------------------- optimizer steps

// SGD without momentum: p -= lr (g + decay p).
template <class T>
struct SgdPlain {
    T* params;
    const T* grads;
    T lr, decay;
    CTNN_HD void operator()(std::size_t i) const { params[i] -= lr * (grads[i] + decay * params[i]); }
};

// SGD with momentum (and Nesterov): the velocity moves, then p -= lr (the step).
template <class T>
struct SgdMomentum {
    T* params;
    const T* grads;
    T* velocity;
    T lr, momentum, dampening, decay;
    bool nesterov, first;
    CTNN_HD void operator()(std::size_t i) const {
        const T g = grads[i] + decay * params[i];
        const T v = first ? g : momentum * velocity[i] + (T(1) - dampening) * g;
        velocity[i] = v;
        params[i] -= lr * (nesterov ? g + momentum * v : v);
    }
};

// Adam (Decoupled = false: L2 decay into g) or AdamW (true: p *= 1 - lr decay).
template <class T, bool Decoupled>
struct AdamStep {
    T* params;
    const T* grads;
    T* m;
    T* v;
    AdamHyper<T> h;
    CTNN_HD void operator()(std::size_t i) const {
        T g = grads[i];
        if constexpr (Decoupled)
            params[i] *= T(1) - h.lr * h.decay;
        else
            g += h.decay * params[i];
        m[i] = h.beta1 * m[i] + (T(1) - h.beta1) * g;
        v[i] = h.beta2 * v[i] + (T(1) - h.beta2) * g * g;
        params[i] -= h.step_size * m[i] / (std::sqrt(v[i]) / h.correction2_sqrt + h.eps);
    }
};

// RMSprop (PyTorch's order: the centered variance is sq - ga^2, eps added after the root).
template <class T, bool Centered, bool Momentum>
struct RmspropStep {
    T* params;
    const T* grads;
    T* square_avg;
    T* grad_avg;
    T* buf;
    RmspropHyper<T> h;
    CTNN_HD void operator()(std::size_t i) const {
        const T g = grads[i] + h.decay * params[i];
        const T sq = h.alpha * square_avg[i] + (T(1) - h.alpha) * g * g;
        square_avg[i] = sq;
        T avg;
        if constexpr (Centered) {
            const T ga = h.alpha * grad_avg[i] + (T(1) - h.alpha) * g;
            grad_avg[i] = ga;
            avg = std::sqrt(sq - ga * ga) + h.eps;
        } else {
            avg = std::sqrt(sq) + h.eps;
        }
        if constexpr (Momentum) {
            const T b = h.momentum * buf[i] + g / avg;
            buf[i] = b;
            params[i] -= h.lr * b;
        } else {
            params[i] -= h.lr * g / avg;
        }
    }
};

// Adagrad: the running sum of squares, the step scaled by the decayed rate clr.
template <class T>
struct AdagradStep {
    T* params;
    const T* grads;
    T* sum;
    AdagradHyper<T> h;
    CTNN_HD void operator()(std::size_t i) const {
        const T g = grads[i] + h.decay * params[i];
        const T s = sum[i] + g * g;
        sum[i] = s;
        params[i] -= h.clr * g / (std::sqrt(s) + h.eps);
    }
};

// Adadelta: the step is the gradient scaled by the ratio of the two running RMS.
template <class T>
struct AdadeltaStep {
    T* params;
    const T* grads;
    T* square_avg;
    T* acc_delta;
    AdadeltaHyper<T> h;
    CTNN_HD void operator()(std::size_t i) const {
        const T g = grads[i] + h.decay * params[i];
        const T sq = h.rho * square_avg[i] + (T(1) - h.rho) * g * g;
        square_avg[i] = sq;
        const T delta = std::sqrt(acc_delta[i] + h.eps) / std::sqrt(sq + h.eps) * g;
        acc_delta[i] = h.rho * acc_delta[i] + (T(1) - h.rho) * delta * delta;
        params[i] -= h.lr * delta;
    }
};

// ---------------------------------------------------------------- GAN training

// A standard normal for element `index` of the draw `key` (Box-Muller on the two 32-bit halves
// of a SplitMix64 hash), the same on every platform.
template <class T>
inline CTNN_HD T hashed_normal(std::uint64_t key, std::uint64_t index) {
    const std::uint64_t h = ctnn::detail::dropout_hash(key + index);
    const double u1 = (static_cast<double>(h >> 40) + 1.0) * 0x1.0p-24;  // (0, 1]: log is finite
    const double u2 = static_cast<double>(h & 0xFFFFFFu) * 0x1.0p-24;    // [0, 1)
    return static_cast<T>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

// x[i] += std * hashed_normal(key, i): instance noise on D's inputs.
template <class T>
struct InstanceNoise {
    T* x;
    T std;
    std::uint64_t key;
    CTNN_HD void operator()(std::size_t i) const { x[i] += std * hashed_normal<T>(key, i); }
};

// ---------------------------------------------------------------- gradient penalty (WGAN-GP)
// Over (rows, cols) row-major: one row per sample.

// Element i: out = w a + (1 - w) b with the row's weight w (the interpolates of real and fake).
template <class T>
struct InterpolateRows {
    const T* a;
    const T* b;
    const T* weights;
    T* out;
    std::size_t cols;
    CTNN_HD void operator()(std::size_t i) const {
        const T w = weights[i / cols];
        out[i] = w * a[i] + (T(1) - w) * b[i];
    }
};

// Row r: norms[r] = |x[r, :]|_2.
template <class T>
struct RowNorm {
    const T* x;
    T* norms;
    std::size_t cols;
    CTNN_HD void operator()(std::size_t r) const {
        T total = 0;
        for (std::size_t c = 0; c < cols; ++c) total += x[r * cols + c] * x[r * cols + c];
        norms[r] = std::sqrt(total);
    }
};

// Element i: out = x + h d / |d[row]| (a step of length h along the row's direction; a zero
// row stays put).
template <class T>
struct StepAlongRows {
    const T* x;
    const T* d;
    const T* norms;
    T h;
    T* out;
    std::size_t cols;
    CTNN_HD void operator()(std::size_t i) const {
        const T norm = norms[i / cols];
        out[i] = norm > T(0) ? x[i] + h * d[i] / norm : x[i];
    }
};

// Row r of the penalty (lambda / rows) (|g_r| - 1)^2: term = that, dplus[r] = (lambda / rows)
// (|g_r| - 1) / h = -dminus[r], the output gradients of the passes at x + h v and x - h v whose
// parameter gradients' difference is the penalty's (a central difference along v = g / |g|).
template <class T>
struct GradientPenaltyRow {
    const T* norms;
    T* dplus;
    T* dminus;
    T* terms;
    T lambda_over_rows;
    T h;
    CTNN_HD T term(std::size_t r) const {
        const T excess = norms[r] - T(1);
        dplus[r] = lambda_over_rows * excess / h;
        dminus[r] = -dplus[r];
        return lambda_over_rows * excess * excess;
    }
    CTNN_HD void operator()(std::size_t r) const { terms[r] = term(r); }
};

// Element i of (rows, cols + classes spread): x's value, then 1 where the label's block is.
template <class T>
struct AppendOneHot {
    const T* x;
    const std::int32_t* labels;
    T* out;
    std::size_t cols, spread, width;
    CTNN_HD void operator()(std::size_t i) const {
        const std::size_t r = i / width, c = i % width;
        out[i] = c < cols ? x[r * cols + c]
                          : (static_cast<std::size_t>(labels[r]) == (c - cols) / spread ? T(1) : T(0));
    }
};

// Element i of (rows, keep): x[r, c] of a (rows, cols) matrix.
template <class T>
struct TakeColumns {
    const T* x;
    T* out;
    std::size_t cols, keep;
    CTNN_HD void operator()(std::size_t i) const { out[i] = x[(i / keep) * cols + i % keep]; }
};

// average[i] = beta average[i] + (1 - beta) live[i] (the moving average of G's weights).
template <class T>
struct MovingAverage {
    const T* live;
    T* average;
    T beta;
    CTNN_HD void operator()(std::size_t i) const { average[i] = beta * average[i] + (T(1) - beta) * live[i]; }
};

// y[i] = sigmoid(x[i]), never evaluating exp of a large positive number.
template <class T>
struct Sigmoid {
    const T* x;
    T* y;
    CTNN_HD void operator()(std::size_t i) const {
        const T v = x[i];
        if (v >= T(0)) {
            y[i] = T(1) / (T(1) + std::exp(-v));
        } else {
            const T e = std::exp(v);
            y[i] = e / (T(1) + e);
        }
    }
};

// x[i] = value.
template <class U>
struct Fill {
    U* x;
    U value;
    CTNN_HD void operator()(std::size_t i) const { x[i] = value; }
};

}  // namespace bodies

}  // namespace ctnn
