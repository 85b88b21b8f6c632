// The per-element (per-row, per-channel, per-group) bodies of the layer ops (core/layer_ops.hpp),
// as CTNN_HD functors: captured pointers and sizes are members, operator()(i) is one body. The
// shared ops of backend/layer_ops.hpp run the row / channel / group bodies through a backend's
// for_each (cpu::Blas: the loops that layers ran before); the kernels of
// backend/cuda/layer_kernels.cuh run the element bodies and the lane / block partials below, and
// the CPU tests run those too (tests/backend/layer_bodies.cpp), so their index arithmetic is
// checked where no GPU exists. No body writes an element another body writes. This header holds
// activations, dropout, softmax and padding, and includes pool_bodies.hpp, batch_norm_bodies.hpp,
// group_norm_bodies.hpp, minibatch_stddev_bodies.hpp and resample_bodies.hpp.
// N batch, C channels, H height, W width, S = H * W; Ho, Wo the output grid.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"
#include "ctnn/core/random.hpp"

#include "ctnn/backend/batch_norm_bodies.hpp"
#include "ctnn/backend/group_norm_bodies.hpp"
#include "ctnn/backend/minibatch_stddev_bodies.hpp"
#include "ctnn/backend/pool_bodies.hpp"
#include "ctnn/backend/resample_bodies.hpp"

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

// SpectralNorm's matrix-vector products over a SpectralGeometry view of w: one output per call.
// MatVec: y[r] = sum_c w(r, c) x[c]; MatTVec: y[c] = sum_r w(r, c) x[r].
template <class T, SpectralGeometry G>
struct SpectralMatVec {
    const T* w;
    const T* x;
    T* y;
    CTNN_HD void operator()(std::size_t r) const {
        T total = 0;
        for (std::size_t c = 0; c < G.cols; ++c) total += w[G.offset(r, c)] * x[c];
        y[r] = total;
    }
};
template <class T, SpectralGeometry G>
struct SpectralMatTVec {
    const T* w;
    const T* x;
    T* y;
    CTNN_HD void operator()(std::size_t c) const {
        T total = 0;
        for (std::size_t r = 0; r < G.rows; ++r) total += w[G.offset(r, c)] * x[r];
        y[c] = total;
    }
};

// out[i] = a[i] b[i] (the terms of a dot product, summed by reduce_sum).
template <class T>
struct Product {
    const T* a;
    const T* b;
    T* out;
    CTNN_HD void operator()(std::size_t i) const { out[i] = a[i] * b[i]; }
};

// x[i] /= max(sqrt(*squared_norm), eps) (F.normalize).
template <class T>
struct DivideByNorm {
    T* x;
    const T* squared_norm;
    T eps;
    CTNN_HD void operator()(std::size_t i) const {
        const T norm = std::sqrt(*squared_norm);
        x[i] /= norm > eps ? norm : eps;
    }
};

// out[i] = x[i] / *divisor.
template <class T>
struct DivideByScalar {
    const T* x;
    const T* divisor;
    T* out;
    CTNN_HD void operator()(std::size_t i) const { out[i] = x[i] / *divisor; }
};

// dw[i] += (g[i] - *dot u[r] v[c]) / *sigma, (r, c) the matrix position of storage index i.
template <class T, SpectralGeometry G>
struct SpectralNormGradient {
    const T* g;
    const T* u;
    const T* v;
    const T* sigma;
    const T* dot;
    T* dw;
    CTNN_HD void operator()(std::size_t i) const {
        dw[i] += (g[i] - *dot * u[G.row_of(i)] * v[G.col_of(i)]) / *sigma;
    }
};

}  // namespace ctnn::bodies
