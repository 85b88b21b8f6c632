// The bodies of the BatchNorm ops (B::batch_norm_moments / running_stats / normalize / backward;
// see backend/layer_bodies.hpp): channel and row bodies (cpu::Blas), the block-reduction thread
// shares and element bodies (the CUDA kernels; tested on the CPU by tests/backend/layer_bodies.cpp).
// (N, C, S) layout, S = H * W (1 for a flat input); stats as core/layer_ops.hpp describes.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::bodies {

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

}  // namespace ctnn::bodies
