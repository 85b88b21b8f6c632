// The per-group and per-affine-element bodies of the group normalization ops (core/layer_ops.hpp),
// which serve GroupNorm<G> (affine per channel) and LayerNorm (one group, affine per element).
// A sample of C S values is cut into `groups` groups of C / groups consecutive channels; each
// group of M = (C / groups) S values is normalized by its own mean and biased variance.
// stats holds [mean, 1/std] per (n, g). CTNN_HD functors run through a backend's for_each.
// N batch, C channels, S = H * W (1 for a flat input), G groups, M values per group.
#pragma once

#include <cmath>
#include <cstddef>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::bodies {

// The affine index of element e = c S + s of a sample: e (per element) or its channel c.
template <GroupNormGeometry G>
CTNN_HD constexpr std::size_t affine_index(std::size_t e) {
    return G.per_element ? e : e / G.spatial;
}

// One body per (n, g): the group's mean and 1/std into stats, then its normalized, scaled and
// shifted values into out.
template <class T, GroupNormGeometry G>
struct GroupNormForward {
    const T* in;
    T* out;
    const T* gamma;
    const T* beta;
    T* stats;
    T eps;
    CTNN_HD void operator()(std::size_t r) const {
        constexpr std::size_t M = G.group_size(), sample = G.channels * G.spatial;
        const std::size_t first = (r % G.groups) * M;  // the group's first element in its sample
        const T* x = in + r * M;
        T mean = 0;
        for (std::size_t i = 0; i < M; ++i) mean += x[i];
        mean /= static_cast<T>(M);
        T var = 0;
        for (std::size_t i = 0; i < M; ++i) var += (x[i] - mean) * (x[i] - mean);
        var /= static_cast<T>(M);
        const T rstd = T(1) / std::sqrt(var + eps);
        stats[2 * r] = mean;
        stats[2 * r + 1] = rstd;
        T* y = out + r * M;
        for (std::size_t i = 0; i < M; ++i) {
            const std::size_t a = affine_index<G>((first + i) % sample);
            y[i] = (x[i] - mean) * rstd * gamma[a] + beta[a];
        }
    }
};

// One body per (n, g): dinp = 1/std (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = dout gamma.
template <class T, GroupNormGeometry G>
struct GroupNormBackwardInput {
    const T* in;
    const T* dout;
    T* dinp;
    const T* gamma;
    const T* stats;
    CTNN_HD void operator()(std::size_t r) const {
        constexpr std::size_t M = G.group_size();
        const std::size_t first = (r % G.groups) * M;
        const T mean = stats[2 * r], rstd = stats[2 * r + 1];
        const T* x = in + r * M;
        const T* dy = dout + r * M;
        T sum_d = 0, sum_dx = 0;
        for (std::size_t i = 0; i < M; ++i) {
            const T d = dy[i] * gamma[affine_index<G>(first + i)];
            sum_d += d;
            sum_dx += d * (x[i] - mean) * rstd;
        }
        const T mean_d = sum_d / static_cast<T>(M), mean_dx = sum_dx / static_cast<T>(M);
        for (std::size_t i = 0; i < M; ++i) {
            const T d = dy[i] * gamma[affine_index<G>(first + i)];
            dinp[r * M + i] = rstd * (d - mean_d - (x[i] - mean) * rstd * mean_dx);
        }
    }
};

// One body per affine index a: dgamma[a] += sum of dout xhat, dbeta[a] += sum of dout over the
// batch and the elements a scales (one per sample per element, S per sample per channel).
template <class T, GroupNormGeometry G>
struct GroupNormBackwardAffine {
    const T* in;
    const T* dout;
    const T* stats;
    T* dgamma;
    T* dbeta;
    std::size_t batch;
    CTNN_HD void operator()(std::size_t a) const {
        constexpr std::size_t M = G.group_size(), sample = G.channels * G.spatial;
        constexpr std::size_t span = G.per_element ? 1 : G.spatial;
        const std::size_t first = G.per_element ? a : a * G.spatial;
        const std::size_t g = first / M;
        T sum_g = 0, sum_b = 0;
        for (std::size_t n = 0; n < batch; ++n) {
            const T mean = stats[2 * (n * G.groups + g)], rstd = stats[2 * (n * G.groups + g) + 1];
            for (std::size_t k = 0; k < span; ++k) {
                const std::size_t i = n * sample + first + k;
                sum_g += dout[i] * (in[i] - mean) * rstd;
                sum_b += dout[i];
            }
        }
        dgamma[a] += sum_g;
        dbeta[a] += sum_b;
    }
};

}  // namespace ctnn::bodies
