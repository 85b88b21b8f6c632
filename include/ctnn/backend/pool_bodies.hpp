// The bodies of the pooling ops (B::avg_pool_forward / backward, B::max_pool_forward / backward;
// see backend/layer_bodies.hpp): row bodies (cpu::Blas, through backend/layer_ops.hpp) and element
// bodies (the CUDA kernels; tested on the CPU by tests/backend/layer_bodies.cpp).
// N batch, C channels, H height, W width; Ho, Wo the output grid.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::bodies {

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

}  // namespace ctnn::bodies
