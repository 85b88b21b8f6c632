// The per-element bodies of the resampling ops (core/layer_ops.hpp): GlobalAvgPool's mean of each
// (n, c) plane and its spread back, nearest Upsample's copy and its block sum; Residual's add_to. CTNN_HD
// functors, run by backend/layer_ops.hpp through a backend's for_each (one body per row or element). N batch,
// C channels, H, W the input plane, F the upsampling factor, S = H * W.
#pragma once

#include <cstddef>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::bodies {

// y[i] += x[i]: a residual block's sum (the shortcut onto f(x)) and its gradient.
template <class T>
struct AddTo {
    const T* x;
    T* y;
    CTNN_HD void operator()(std::size_t i) const { y[i] += x[i]; }
};

// out[r] = mean of in's row r of `spatial` values (r = n C + c).
template <class T>
struct MeanRow {
    const T* in;
    T* out;
    std::size_t spatial;
    CTNN_HD void operator()(std::size_t r) const {
        T total = 0;
        for (std::size_t s = 0; s < spatial; ++s) total += in[r * spatial + s];
        out[r] = total / static_cast<T>(spatial);
    }
};

// dinp[i] = dout[row of i] / spatial: the mean's adjoint (overwrites dinp).
template <class T>
struct SpreadMean {
    const T* dout;
    T* dinp;
    std::size_t spatial;
    CTNN_HD void operator()(std::size_t i) const { dinp[i] = dout[i / spatial] / static_cast<T>(spatial); }
};

// Output element o = (n, c, oh, ow) takes input (n, c, oh / F, ow / F).
template <class T, UpsampleGeometry G>
struct UpsampleElement {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t o) const {
        constexpr std::size_t F = G.factor, H = G.height, W = G.width, Ho = G.out_height(),
                              Wo = G.out_width();
        const std::size_t ow = o % Wo, oh = o / Wo % Ho, plane = o / (Ho * Wo);
        out[o] = in[(plane * H + oh / F) * W + ow / F];
    }
};

// Input element i = (n, c, h, w) gets the sum of dout over its F x F block (overwrites dinp).
template <class T, UpsampleGeometry G>
struct UpsampleBackwardElement {
    const T* dout;
    T* dinp;
    CTNN_HD void operator()(std::size_t i) const {
        constexpr std::size_t F = G.factor, H = G.height, W = G.width, Ho = G.out_height(),
                              Wo = G.out_width();
        const std::size_t w = i % W, h = i / W % H, plane = i / (H * W);
        const T* block = dout + (plane * Ho + h * F) * Wo + w * F;
        T total = 0;
        for (std::size_t a = 0; a < F; ++a)
            for (std::size_t b = 0; b < F; ++b) total += block[a * Wo + b];
        dinp[i] = total;
    }
};

}  // namespace ctnn::bodies
