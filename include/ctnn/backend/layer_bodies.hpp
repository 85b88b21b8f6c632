// The per-element (per-row, per-channel, per-group) bodies of the layer ops (core/layer_ops.hpp),
// as CTNN_HD functors: captured pointers and sizes are members, operator()(i) is one body. The
// shared ops of backend/layer_ops.hpp run the row / channel / group bodies through a backend's
// for_each (cpu::Blas: the loops that layers ran before); the kernels of
// backend/cuda/layer_kernels.cuh run the element bodies and the lane / block partials below, and
// the CPU tests run those too (tests/backend/layer_bodies.cpp), so their index arithmetic is
// checked where no GPU exists. No body writes an element another body writes.
// N batch, C channels, H height, W width, S = H * W; Ho, Wo the output grid.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"
#include "ctnn/core/random.hpp"

namespace ctnn::bodies {

// ---------------------------------------------------------------- activations, dropout (per element)

template <class T, class Op>
struct ActivationForward {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t i) const { out[i] = Op::forward(in[i]); }
};

template <class T, class Op>
struct ActivationBackward {
    const T *in, *out, *dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t i) const { dinp[i] = dout[i] * Op::derivative(in[i], out[i]); }
};

template <class T>
struct DropoutMask {
    const T* x;
    T* y;
    std::uint64_t key, threshold;
    T scale;
    CTNN_HD void operator()(std::size_t i) const {
        y[i] = ctnn::detail::dropout_keep(key, i, threshold) ? x[i] * scale : T(0);
    }
};

// ---------------------------------------------------------------- pooling

// Average pooling, one body per output row r = (n, c, oh).
template <class T, PoolGeometry G>
struct AvgPoolForwardRow {
    static constexpr std::size_t K = G.window, Stride = G.stride, H = G.height, W = G.width;
    static constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    static constexpr T scale = T(1) / T(K * K);
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t r) const {
        const T* src = in + (r / Ho * H + r % Ho * Stride) * W;
        T* dst = out + r * Wo;
        for (std::size_t ow = 0; ow < Wo; ++ow) {
            T total = 0;
            for (std::size_t kh = 0; kh < K; ++kh)
                for (std::size_t kw = 0; kw < K; ++kw) total += src[kh * W + ow * Stride + kw];
            dst[ow] = total * scale;
        }
    }
};

// Disjoint windows: one body per window row r = (n, c, oh); it owns input rows [oh*S, (oh+1)*S)
// (the last one up to H), zeroes them and spreads each window's dout over the window.
template <class T, PoolGeometry G>
struct AvgPoolBackwardRow {
    static constexpr std::size_t K = G.window, Stride = G.stride, H = G.height, W = G.width;
    static constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    static constexpr T scale = T(1) / T(K * K);
    const T* dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t r) const {
        const std::size_t oh = r % Ho, first = oh * Stride, end = oh + 1 == Ho ? H : first + Stride;
        T* plane = dinp + r / Ho * H * W;
        for (std::size_t i = first * W; i < end * W; ++i) plane[i] = T(0);
        for (std::size_t kh = 0; kh < K; ++kh) {
            T* row = plane + (first + kh) * W;
            for (std::size_t ow = 0; ow < Wo; ++ow)
                for (std::size_t kw = 0; kw < K; ++kw) row[ow * Stride + kw] = dout[r * Wo + ow] * scale;
        }
    }
};

// Overlapping windows: a gather per input row r = (n, c, h).
template <class T, PoolGeometry G>
struct AvgPoolBackwardGatherRow {
    static constexpr std::size_t K = G.window, H = G.height, W = G.width;
    static constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    static constexpr T scale = T(1) / T(K * K);
    const T* dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t r) const {
        const std::size_t plane = r / H, h = r % H;
        for (std::size_t w = 0; w < W; ++w) {
            T total = 0;
            for (std::size_t oh = G.first_window(h); oh < G.end_window(h, Ho); ++oh)
                for (std::size_t ow = G.first_window(w); ow < G.end_window(w, Wo); ++ow)
                    total += dout[(plane * Ho + oh) * Wo + ow];
            dinp[r * W + w] = total * scale;
        }
    }
};

// Max pooling, one body per output row r = (n, c, oh): the first maximum of each window in
// row-major order (the last NaN, if any), as PyTorch.
template <class T, PoolGeometry G>
struct MaxPoolForwardRow {
    static constexpr std::size_t K = G.window, Stride = G.stride, H = G.height, W = G.width;
    static constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    const T* in;
    T* out;
    std::uint32_t* argmax;
    CTNN_HD void operator()(std::size_t r) const {
        const std::size_t top = r % Ho * Stride;
        const T* src = in + r / Ho * H * W;
        for (std::size_t ow = 0; ow < Wo; ++ow) {
            std::size_t best_at = top * W + ow * Stride;
            T best = src[best_at];
            for (std::size_t kh = 0; kh < K; ++kh)
                for (std::size_t kw = 0; kw < K; ++kw) {
                    const std::size_t at = (top + kh) * W + ow * Stride + kw;
                    const T value = src[at];
                    if (value != value) {  // NaN: rare, so a predictable branch
                        best = value;
                        best_at = at;
                        continue;
                    }
                    // Branch-free on random data: a mask for the index, a max for the value.
                    const std::size_t mask = std::size_t(0) - std::size_t(value > best);
                    best_at = (at & mask) | (best_at & ~mask);
                    best = value > best ? value : best;
                }
            out[r * Wo + ow] = best;
            argmax[r * Wo + ow] = static_cast<std::uint32_t>(best_at);
        }
    }
};

// Disjoint windows: one body per window row r = (n, c, oh); it zeroes its input rows and writes
// each window's dout at its argmax.
template <class T, PoolGeometry G>
struct MaxPoolBackwardRow {
    static constexpr std::size_t Stride = G.stride, H = G.height, W = G.width;
    static constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    const T* dout;
    const std::uint32_t* argmax;
    T* dinp;
    CTNN_HD void operator()(std::size_t r) const {
        const std::size_t oh = r % Ho, first = oh * Stride, end = oh + 1 == Ho ? H : first + Stride;
        T* plane = dinp + r / Ho * H * W;
        for (std::size_t i = first * W; i < end * W; ++i) plane[i] = T(0);
        for (std::size_t o = r * Wo; o < (r + 1) * Wo; ++o) plane[argmax[o]] = dout[o];
    }
};

// Overlapping windows: a gather per input row r = (n, c, h) of dout over the windows whose
// argmax the pixel is.
template <class T, PoolGeometry G>
struct MaxPoolBackwardGatherRow {
    static constexpr std::size_t H = G.height, W = G.width, Ho = G.out_height(), Wo = G.out_width();
    const T* dout;
    const std::uint32_t* argmax;
    T* dinp;
    CTNN_HD void operator()(std::size_t r) const {
        const std::size_t plane = r / H, h = r % H;
        for (std::size_t w = 0; w < W; ++w) {
            T total = 0;
            for (std::size_t oh = G.first_window(h); oh < G.end_window(h, Ho); ++oh)
                for (std::size_t ow = G.first_window(w); ow < G.end_window(w, Wo); ++ow) {
                    const std::size_t o = (plane * Ho + oh) * Wo + ow;
                    if (argmax[o] == h * W + w) total += dout[o];
                }
            dinp[r * W + w] = total;
        }
    }
};

// The element forms (GPU: one thread per output or input element). Output element o = (n, c,
// oh, ow); input element i = (n, c, h, w).
template <class T, PoolGeometry G>
struct AvgPoolForwardElement {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t o) const {
        constexpr std::size_t Ho = G.out_height(), Wo = G.out_width(), W = G.width;
        const std::size_t ow = o % Wo, oh = o / Wo % Ho, plane = o / (Ho * Wo);
        const T* src = in + (plane * G.height + oh * G.stride) * W + ow * G.stride;
        T total = 0;
        for (std::size_t kh = 0; kh < G.window; ++kh)
            for (std::size_t kw = 0; kw < G.window; ++kw) total += src[kh * W + kw];
        out[o] = total * (T(1) / T(G.window * G.window));
    }
};

template <class T, PoolGeometry G>
struct MaxPoolForwardElement {
    const T* in;
    T* out;
    std::uint32_t* argmax;
    CTNN_HD void operator()(std::size_t o) const {
        constexpr std::size_t Ho = G.out_height(), Wo = G.out_width(), W = G.width;
        const std::size_t ow = o % Wo, oh = o / Wo % Ho, plane = o / (Ho * Wo);
        const T* src = in + plane * G.height * W;
        std::size_t best_at = oh * G.stride * W + ow * G.stride;
        T best = src[best_at];
        for (std::size_t kh = 0; kh < G.window; ++kh)
            for (std::size_t kw = 0; kw < G.window; ++kw) {
                const std::size_t at = (oh * G.stride + kh) * W + ow * G.stride + kw;
                const T value = src[at];
                if (value != value || value > best) {  // a NaN wins (the last one), else the first max
                    best = value;
                    best_at = at;
                }
            }
        out[o] = best;
        argmax[o] = static_cast<std::uint32_t>(best_at);
    }
};

// dinp[i] = the sum of dout over the windows covering i (times 1 / K^2), disjoint or not.
template <class T, PoolGeometry G>
struct AvgPoolBackwardElement {
    const T* dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t i) const {
        constexpr std::size_t H = G.height, W = G.width, Ho = G.out_height(), Wo = G.out_width();
        const std::size_t w = i % W, h = i / W % H, plane = i / (H * W);
        T total = 0;
        for (std::size_t oh = G.first_window(h); oh < G.end_window(h, Ho); ++oh)
            for (std::size_t ow = G.first_window(w); ow < G.end_window(w, Wo); ++ow)
                total += dout[(plane * Ho + oh) * Wo + ow];
        dinp[i] = total * (T(1) / T(G.window * G.window));
    }
};

// dinp[i] = the sum of dout over the windows whose argmax i is.
template <class T, PoolGeometry G>
struct MaxPoolBackwardElement {
    const T* dout;
    const std::uint32_t* argmax;
    T* dinp;
    CTNN_HD void operator()(std::size_t i) const {
        constexpr std::size_t H = G.height, W = G.width, Ho = G.out_height(), Wo = G.out_width();
        const std::size_t w = i % W, h = i / W % H, plane = i / (H * W);
        T total = 0;
        for (std::size_t oh = G.first_window(h); oh < G.end_window(h, Ho); ++oh)
            for (std::size_t ow = G.first_window(w); ow < G.end_window(w, Wo); ++ow) {
                const std::size_t o = (plane * Ho + oh) * Wo + ow;
                if (argmax[o] == h * W + w) total += dout[o];
            }
        dinp[i] = total;
    }
};

// ---------------------------------------------------------------- softmax (per row n)

template <class T>
struct SoftmaxRow {
    const T* in;
    T* out;
    std::size_t cols;
    CTNN_HD void operator()(std::size_t n) const {
        const T* x = in + n * cols;
        T* y = out + n * cols;
        T max = x[0];
        for (std::size_t k = 1; k < cols; ++k) max = x[k] > max ? x[k] : max;
        T total = 0;
        for (std::size_t k = 0; k < cols; ++k) total += (y[k] = std::exp(x[k] - max));
        for (std::size_t k = 0; k < cols; ++k) y[k] /= total;
    }
};

template <class T>
struct SoftmaxRowBackward {
    const T *out, *dout;
    T* dinp;
    std::size_t cols;
    CTNN_HD void operator()(std::size_t n) const {
        const T* y = out + n * cols;
        const T* dy = dout + n * cols;
        T dot = 0;
        for (std::size_t k = 0; k < cols; ++k) dot += dy[k] * y[k];
        for (std::size_t k = 0; k < cols; ++k) dinp[n * cols + k] = y[k] * (dy[k] - dot);
    }
};

// A row split over `lanes` threads (GPU: a warp per row): lane t takes k = t, t + lanes, ...
// The lanes' values are then combined (max, then sums) in a fixed order.
template <class T>
CTNN_HD T lane_max(const T* x, std::size_t cols, std::size_t lane, std::size_t lanes) {
    T max = x[lane < cols ? lane : 0];
    for (std::size_t k = lane; k < cols; k += lanes) max = x[k] > max ? x[k] : max;
    return max;
}
// y[k] = exp(x[k] - max) for the lane's k; returns their sum.
template <class T>
CTNN_HD T lane_exp_sum(const T* x, T* y, std::size_t cols, T max, std::size_t lane, std::size_t lanes) {
    T total = 0;
    for (std::size_t k = lane; k < cols; k += lanes) total += (y[k] = std::exp(x[k] - max));
    return total;
}
template <class T>
CTNN_HD T lane_dot(const T* a, const T* b, std::size_t cols, std::size_t lane, std::size_t lanes) {
    T total = 0;
    for (std::size_t k = lane; k < cols; k += lanes) total += a[k] * b[k];
    return total;
}

// ---------------------------------------------------------------- BatchNorm

// The j-th of channel c's N * S values, j = (n, s).
template <BatchNormGeometry G>
constexpr std::size_t channel_value_index(std::size_t j, std::size_t c) {
    return (j / G.spatial * G.channels + c) * G.spatial + j % G.spatial;
}

// From channel c's sum and sum of squared deviations over `count` values: mean, 1/std and
// gamma/std into stats, the running statistics moved by momentum (the variance unbiased).
template <class T, BatchNormGeometry G>
CTNN_HD void batch_norm_finish_moments(std::size_t c, double mu, double squares, std::size_t count,
                                       const T* gamma, T* running_mean, T* running_var, T* stats,
                                       double momentum, double eps) {
    T* mean = stats;
    T* invstd = stats + G.channels;
    T* scale = invstd + G.channels;
    const double var = squares / static_cast<double>(count);
    const double unbiased = squares / static_cast<double>(count - 1);
    const double m = momentum;
    mean[c] = static_cast<T>(mu);
    invstd[c] = static_cast<T>(1.0 / std::sqrt(var + eps));
    scale[c] = gamma[c] * invstd[c];
    running_mean[c] = static_cast<T>((1 - m) * static_cast<double>(running_mean[c]) + m * mu);
    running_var[c] = static_cast<T>((1 - m) * static_cast<double>(running_var[c]) + m * unbiased);
}

// Train statistics, one body per channel c. Two passes (mean, then squared deviations) in
// double for accuracy, each in four independent sums (one chain of dependent adds is 4x slower).
template <class T, BatchNormGeometry G>
struct BatchNormMomentsChannel {
    static constexpr std::size_t channels = G.channels, spatial = G.spatial;
    const T* in;
    std::size_t batch;
    const T* gamma;
    T *running_mean, *running_var, *stats;
    double momentum, eps;
    CTNN_HD void operator()(std::size_t c) const {
        const std::size_t count = batch * spatial;
        double totals[4] = {0, 0, 0, 0};
        for (std::size_t n = 0; n < batch; ++n) {
            const T* x = in + (n * channels + c) * spatial;
            std::size_t s = 0;
            for (; s + 4 <= spatial; s += 4)
                for (std::size_t j = 0; j < 4; ++j) totals[j] += static_cast<double>(x[s + j]);
            for (; s < spatial; ++s) totals[0] += static_cast<double>(x[s]);
        }
        const double mu = ((totals[0] + totals[1]) + (totals[2] + totals[3])) / static_cast<double>(count);
        double sums[4] = {0, 0, 0, 0};
        for (std::size_t n = 0; n < batch; ++n) {
            const T* x = in + (n * channels + c) * spatial;
            std::size_t s = 0;
            for (; s + 4 <= spatial; s += 4)
                for (std::size_t j = 0; j < 4; ++j) {
                    const double d = static_cast<double>(x[s + j]) - mu;
                    sums[j] += d * d;
                }
            for (; s < spatial; ++s) {
                const double d = static_cast<double>(x[s]) - mu;
                sums[0] += d * d;
            }
        }
        const double squares = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        batch_norm_finish_moments<T, G>(c, mu, squares, count, gamma, running_mean, running_var, stats,
                                        momentum, eps);
    }
};

// A channel's N * S values split over `threads` (GPU: a block per channel): thread t takes
// j = t, t + threads, ...; the threads' partials are then summed in a fixed tree order.
template <class T, BatchNormGeometry G>
CTNN_HD double batch_norm_thread_sum(const T* in, std::size_t batch, std::size_t c, std::size_t t,
                                     std::size_t threads) {
    double total = 0;
    for (std::size_t j = t; j < batch * G.spatial; j += threads)
        total += static_cast<double>(in[channel_value_index<G>(j, c)]);
    return total;
}
template <class T, BatchNormGeometry G>
CTNN_HD double batch_norm_thread_squares(const T* in, std::size_t batch, std::size_t c, double mu,
                                         std::size_t t, std::size_t threads) {
    double total = 0;
    for (std::size_t j = t; j < batch * G.spatial; j += threads) {
        const double d = static_cast<double>(in[channel_value_index<G>(j, c)]) - mu;
        total += d * d;
    }
    return total;
}
// Backward's two sums, sum(dout) and sum(dout * xhat), of thread t's values of channel c.
template <class T, BatchNormGeometry G>
CTNN_HD void batch_norm_thread_backward_sums(const T* in, const T* dout, std::size_t batch, std::size_t c,
                                             const T* stats, std::size_t t, std::size_t threads, double& sum,
                                             double& sum_xhat) {
    const T mu = stats[c], inv = stats[G.channels + c];
    for (std::size_t j = t; j < batch * G.spatial; j += threads) {
        const std::size_t i = channel_value_index<G>(j, c);
        const double g = static_cast<double>(dout[i]);
        sum += g;
        sum_xhat += g * static_cast<double>((in[i] - mu) * inv);
    }
}

// Eval statistics from the running ones, one body per channel c.
template <class T, BatchNormGeometry G>
struct BatchNormRunningStats {
    const T *gamma, *running_mean, *running_var;
    T* stats;
    double eps;
    CTNN_HD void operator()(std::size_t c) const {
        T* invstd = stats + G.channels;
        stats[c] = running_mean[c];
        invstd[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps));
        invstd[G.channels + c] = gamma[c] * invstd[c];
    }
};

// One body per row r = (n, c) of S values (per sample n for a flat input): the channel's
// constants are loaded once and the inner loop vectorizes.
template <class T, BatchNormGeometry G>
struct BatchNormNormalizeRow {
    static constexpr std::size_t channels = G.channels, spatial = G.spatial, row_length = G.row_length();
    const T* in;
    T* out;
    const T *stats, *beta;
    CTNN_HD void operator()(std::size_t r) const {
        const T* mean = stats;
        const T* scale = stats + 2 * channels;
        const std::size_t base = r * row_length;
        for (std::size_t j = 0; j < row_length; ++j) {
            const std::size_t c = spatial == 1 ? j : r % channels;
            out[base + j] = (in[base + j] - mean[c]) * scale[c] + beta[c];
        }
    }
};

// The channel of element i of (N, C, S).
template <BatchNormGeometry G>
constexpr std::size_t channel_of(std::size_t i) {
    return G.spatial == 1 ? i % G.channels : i / G.spatial % G.channels;
}

template <class T, BatchNormGeometry G>
struct BatchNormNormalizeElement {
    const T* in;
    T* out;
    const T *stats, *beta;
    CTNN_HD void operator()(std::size_t i) const {
        const std::size_t c = channel_of<G>(i);
        out[i] = (in[i] - stats[c]) * stats[2 * G.channels + c] + beta[c];
    }
};

// dbeta, dgamma += channel c's sum(dout), sum(dout * xhat); the two means into stats.
template <class T, BatchNormGeometry G>
CTNN_HD void batch_norm_finish_backward(std::size_t c, double sum_dout, double sum_dout_xhat, double count,
                                        T* stats, T* dgamma, T* dbeta) {
    dbeta[c] += static_cast<T>(sum_dout);
    dgamma[c] += static_cast<T>(sum_dout_xhat);
    stats[3 * G.channels + c] = static_cast<T>(sum_dout / count);
    stats[4 * G.channels + c] = static_cast<T>(sum_dout_xhat / count);
}

// Backward's sums, one body per channel c, in four independent pairs of sums.
template <class T, BatchNormGeometry G>
struct BatchNormBackwardSumsChannel {
    static constexpr std::size_t channels = G.channels, spatial = G.spatial;
    const T *in, *dout;
    std::size_t batch;
    T *stats, *dgamma, *dbeta;
    CTNN_HD void operator()(std::size_t c) const {
        double sums[4] = {0, 0, 0, 0}, sums_xhat[4] = {0, 0, 0, 0};
        const T mu = stats[c], inv = stats[channels + c];
        for (std::size_t n = 0; n < batch; ++n) {
            const T* d = dout + (n * channels + c) * spatial;
            const T* x = in + (n * channels + c) * spatial;
            std::size_t s = 0;
            for (; s + 4 <= spatial; s += 4)
                for (std::size_t j = 0; j < 4; ++j) {
                    const double g = static_cast<double>(d[s + j]);
                    sums[j] += g;
                    sums_xhat[j] += g * static_cast<double>((x[s + j] - mu) * inv);
                }
            for (; s < spatial; ++s) {
                const double g = static_cast<double>(d[s]);
                sums[0] += g;
                sums_xhat[0] += g * static_cast<double>((x[s] - mu) * inv);
            }
        }
        const double sum_dout = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        const double sum_dout_xhat = (sums_xhat[0] + sums_xhat[1]) + (sums_xhat[2] + sums_xhat[3]);
        batch_norm_finish_backward<T, G>(c, sum_dout, sum_dout_xhat, static_cast<double>(batch * spatial),
                                         stats, dgamma, dbeta);
    }
};

// Train: dinp = gamma / std * (dout - mean(dout) - xhat * mean(dout * xhat)), one body per row.
template <class T, BatchNormGeometry G>
struct BatchNormBackwardRow {
    static constexpr std::size_t channels = G.channels, spatial = G.spatial, row_length = G.row_length();
    const T *in, *dout;
    T* dinp;
    const T* stats;
    CTNN_HD void operator()(std::size_t r) const {
        const T *mean = stats, *invstd = stats + channels, *scale = stats + 2 * channels;
        const T *mean_dout = stats + 3 * channels, *mean_dout_xhat = stats + 4 * channels;
        const std::size_t base = r * row_length;
        for (std::size_t j = 0; j < row_length; ++j) {
            const std::size_t c = spatial == 1 ? j : r % channels, i = base + j;
            const T xhat = (in[i] - mean[c]) * invstd[c];
            dinp[i] = scale[c] * (dout[i] - mean_dout[c] - xhat * mean_dout_xhat[c]);
        }
    }
};

// Eval (the statistics are constants): dinp = gamma / std * dout, one body per row.
template <class T, BatchNormGeometry G>
struct BatchNormBackwardEvalRow {
    static constexpr std::size_t channels = G.channels, spatial = G.spatial, row_length = G.row_length();
    const T* dout;
    T* dinp;
    const T* stats;
    CTNN_HD void operator()(std::size_t r) const {
        const T* scale = stats + 2 * channels;
        const std::size_t base = r * row_length;
        for (std::size_t j = 0; j < row_length; ++j)
            dinp[base + j] = scale[spatial == 1 ? j : r % channels] * dout[base + j];
    }
};

template <class T, BatchNormGeometry G>
struct BatchNormBackwardElement {
    const T *in, *dout;
    T* dinp;
    const T* stats;
    CTNN_HD void operator()(std::size_t i) const {
        constexpr std::size_t C = G.channels;
        const std::size_t c = channel_of<G>(i);
        const T xhat = (in[i] - stats[c]) * stats[C + c];
        dinp[i] = stats[2 * C + c] * (dout[i] - stats[3 * C + c] - xhat * stats[4 * C + c]);
    }
};

template <class T, BatchNormGeometry G>
struct BatchNormBackwardEvalElement {
    const T* dout;
    T* dinp;
    const T* stats;
    CTNN_HD void operator()(std::size_t i) const {
        dinp[i] = stats[2 * G.channels + channel_of<G>(i)] * dout[i];
    }
};

// ---------------------------------------------------------------- padding

// One body per output row r = (n, c, oh): zeros, or zeros around a copy of an input row.
template <class T, PadGeometry G>
struct PadRow {
    static constexpr std::size_t P = G.pad, H = G.height, W = G.width, Ho = G.out_height(),
                                 Wo = G.out_width();
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t r) const {
        const std::size_t oh = r % Ho, plane = r / Ho;
        T* row = out + r * Wo;
        if (oh < P || oh >= P + H) {
            for (std::size_t ow = 0; ow < Wo; ++ow) row[ow] = T(0);
            return;
        }
        const T* src = in + (plane * H + oh - P) * W;
        for (std::size_t ow = 0; ow < P; ++ow) row[ow] = row[P + W + ow] = T(0);
        for (std::size_t w = 0; w < W; ++w) row[P + w] = src[w];
    }
};

// One body per input row r = (n, c, h): the middle of the matching output row.
template <class T, PadGeometry G>
struct UnpadRow {
    static constexpr std::size_t P = G.pad, H = G.height, W = G.width, Ho = G.out_height(),
                                 Wo = G.out_width();
    const T* dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t r) const {
        const T* src = dout + (r / H * Ho + r % H + P) * Wo + P;
        for (std::size_t w = 0; w < W; ++w) dinp[r * W + w] = src[w];
    }
};

// Element forms: output element o = (n, c, oh, ow), input element i = (n, c, h, w).
template <class T, PadGeometry G>
struct PadElement {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t o) const {
        constexpr std::size_t P = G.pad, H = G.height, W = G.width, Ho = G.out_height(), Wo = G.out_width();
        const std::size_t ow = o % Wo, oh = o / Wo % Ho, plane = o / (Ho * Wo);
        const bool inside = oh >= P && oh < P + H && ow >= P && ow < P + W;
        out[o] = inside ? in[(plane * H + oh - P) * W + ow - P] : T(0);
    }
};

template <class T, PadGeometry G>
struct UnpadElement {
    const T* dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t i) const {
        constexpr std::size_t P = G.pad, H = G.height, W = G.width, Ho = G.out_height(), Wo = G.out_width();
        const std::size_t w = i % W, h = i / W % H, plane = i / (H * W);
        dinp[i] = dout[(plane * Ho + h + P) * Wo + w + P];
    }
};

// ---------------------------------------------------------------- MinibatchStddev

struct Spread {
    double mean, stddev;
};

// Mean and sqrt(biased variance + eps) of feature f over samples [first, first + count).
template <class T, MinibatchStddevGeometry G>
CTNN_HD Spread feature_stddev(const T* in, std::size_t f, std::size_t first, std::size_t count, double eps) {
    constexpr std::size_t features = G.features;
    double sum = 0;
    for (std::size_t n = first; n < first + count; ++n) sum += static_cast<double>(in[n * features + f]);
    const double mean = sum / static_cast<double>(count);
    double squares = 0;
    for (std::size_t n = first; n < first + count; ++n) {
        const double d = static_cast<double>(in[n * features + f]) - mean;
        squares += d * d;
    }
    return {mean, std::sqrt(squares / static_cast<double>(count) + eps)};
}

// The j-th of the `count * appended` appended values of the group starting at sample `first`.
template <MinibatchStddevGeometry G>
constexpr std::size_t appended_index(std::size_t first, std::size_t j) {
    return (first + j / G.appended) * G.out_features() + G.features + j % G.appended;
}

// A group's features split over `threads` (GPU: a block per group): thread t's share of the
// sum over f of sqrt(var_f + eps), and of dm (the sum of dout over the appended values).
template <class T, MinibatchStddevGeometry G>
CTNN_HD double minibatch_stddev_thread_spread(const T* in, std::size_t first, std::size_t count, double eps,
                                              std::size_t t, std::size_t threads) {
    double spread = 0;
    for (std::size_t f = t; f < G.features; f += threads)
        spread += feature_stddev<T, G>(in, f, first, count, eps).stddev;
    return spread;
}
template <class T, MinibatchStddevGeometry G>
CTNN_HD double minibatch_stddev_thread_dm(const T* dout, std::size_t first, std::size_t count, std::size_t t,
                                          std::size_t threads) {
    double dm = 0;
    for (std::size_t j = t; j < count * G.appended; j += threads)
        dm += static_cast<double>(dout[appended_index<G>(first, j)]);
    return dm;
}

// Forward, part 1: one body per sample n copies its features.
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevCopyRow {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t n) const {
        for (std::size_t f = 0; f < G.features; ++f) out[n * G.out_features() + f] = in[n * G.features + f];
    }
};

// ... as one body per input element i = (n, f).
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevCopyElement {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t i) const {
        out[i / G.features * G.out_features() + i % G.features] = in[i];
    }
};

// Forward, part 2: one body per group g writes the group's spread into its appended values.
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevGroup {
    const T* in;
    T* out;
    std::size_t batch;
    double eps;
    CTNN_HD void operator()(std::size_t g) const {
        const std::size_t first = g * G.group, count = G.group_size(g, batch);
        double spread = 0;
        for (std::size_t f = 0; f < G.features; ++f)
            spread += feature_stddev<T, G>(in, f, first, count, eps).stddev;
        const T m = static_cast<T>(spread / static_cast<double>(G.features));
        for (std::size_t n = first; n < first + count; ++n)
            for (std::size_t s = 0; s < G.appended; ++s) out[n * G.out_features() + G.features + s] = m;
    }
};

// dinp of feature f for the group's samples, given dm / (k F) (`scale`).
template <class T, MinibatchStddevGeometry G>
CTNN_HD void minibatch_stddev_feature_backward(const T* in, const T* dout, T* dinp, std::size_t f,
                                               std::size_t first, std::size_t count, double scale,
                                               double eps) {
    const Spread spread = feature_stddev<T, G>(in, f, first, count, eps);
    const double factor = scale / spread.stddev;
    for (std::size_t n = first; n < first + count; ++n)
        dinp[n * G.features + f] =
            static_cast<T>(static_cast<double>(dout[n * G.out_features() + f]) +
                           factor * (static_cast<double>(in[n * G.features + f]) - spread.mean));
}

// Backward, one body per group g: dinp = dout[x part] + dm * (x - mean) / (k F sqrt(var + eps)),
// dm the sum of dout over the group's appended values.
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevBackwardGroup {
    const T *in, *dout;
    T* dinp;
    std::size_t batch;
    double eps;
    CTNN_HD void operator()(std::size_t g) const {
        const std::size_t first = g * G.group, count = G.group_size(g, batch);
        double dm = 0;
        for (std::size_t n = first; n < first + count; ++n)
            for (std::size_t s = 0; s < G.appended; ++s)
                dm += static_cast<double>(dout[n * G.out_features() + G.features + s]);
        const double scale = dm / (static_cast<double>(count) * static_cast<double>(G.features));
        for (std::size_t f = 0; f < G.features; ++f)
            minibatch_stddev_feature_backward<T, G>(in, dout, dinp, f, first, count, scale, eps);
    }
};

}  // namespace ctnn::bodies
