// CPU im2col / col2im over a whole batch: the image (N, C, H, W) and the column matrix
// (C*K*K, N*Ho*Wo), row (c, kh, kw), column (n, oh, ow); see ctnn/core/conv_geometry.hpp.
// im2col copies windows into columns (zeros in the padding); col2im is its adjoint: it
// overwrites the image with the sum of every column element copied from each pixel.
// Both walk whole output rows so the inner loops are contiguous (stride 1) and vectorize.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "ctnn/backend/cpu/simd.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cpu {

namespace detail {

// dst[0, n) = src[0, n) and dst[0, n) += src[0, n) for short rows: masked vectors for float
// (one call per row costs less than a general copy loop's setup).
template <class T>
inline void copy_row(T* dst, const T* src, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
        for (std::size_t i = 0; i < n; i += simd::width) {
            const std::size_t lanes = std::min(simd::width, n - i);
            simd::store_partial(dst + i, simd::load_partial(src + i, lanes), lanes);
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
    }
}
template <class T>
inline void add_row(T* dst, const T* src, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
        for (std::size_t i = 0; i < n; i += simd::width) {
            const std::size_t lanes = std::min(simd::width, n - i);
            simd::store_partial(
                dst + i, simd::add(simd::load_partial(dst + i, lanes), simd::load_partial(src + i, lanes)),
                lanes);
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) dst[i] += src[i];
    }
}
template <class T>
inline void zero_row(T* dst, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
        for (std::size_t i = 0; i < n; i += simd::width)
            simd::store_partial(dst + i, simd::zero(), std::min(simd::width, n - i));
    } else {
        for (std::size_t i = 0; i < n; ++i) dst[i] = T(0);
    }
}

// The range [lo, hi) of window positions o in [0, count) whose tap o*stride + k - padding
// lands inside [0, size).
struct TapRange {
    std::size_t lo, hi;
};
constexpr TapRange tap_range(std::size_t k, std::size_t size, std::size_t stride, std::size_t padding,
                             std::size_t count) {
    // o*stride + k >= padding  and  o*stride + k < padding + size
    const std::size_t lo = k >= padding ? 0 : (padding - k + stride - 1) / stride;
    const std::size_t end = padding + size;
    const std::size_t hi = k >= end ? 0 : std::min(count, (end - k + stride - 1) / stride);
    return {std::min(lo, hi), hi};
}

// Calls f(row, plane, kh, kw, rows, span) for every column-matrix row (c, kh, kw) and image
// plane (n, c): rows and span are the window positions oh and ow whose tap is inside the image.
template <class F>
inline void for_each_window_row(const ConvGeometry& g, std::size_t batch, F&& f) {
    const std::size_t ho = g.out_height(), wo = g.out_width(), k = g.kernel;
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t kh = 0; kh < k; ++kh) {
            const TapRange rows = tap_range(kh, g.height, g.stride, g.padding, ho);
            for (std::size_t kw = 0; kw < k; ++kw) {
                const TapRange cols = tap_range(kw, g.width, g.stride, g.padding, wo);
                const std::size_t row = (c * k + kh) * k + kw;
                for (std::size_t n = 0; n < batch; ++n) f(row, n * g.channels + c, kh, kw, rows, cols);
            }
        }
}

}  // namespace detail

template <class T>
inline void im2col(const T* im, T* col, std::size_t batch, const ConvGeometry& g) {
    const std::size_t ho = g.out_height(), wo = g.out_width(), cols = batch * ho * wo;
    const std::size_t s = g.stride, p = g.padding;
    const auto copy_windows = [&](std::size_t row, std::size_t plane, std::size_t kh, std::size_t kw,
                                  detail::TapRange rows, detail::TapRange span) {
        const T* src = im + plane * g.height * g.width;
        T* dst = col + row * cols + (plane / g.channels) * ho * wo;
        // Row helpers, not std::fill/copy: rows are short (often < 32) and a call per row costs more.
        for (std::size_t oh = 0; oh < ho; ++oh, dst += wo) {
            if (oh < rows.lo || oh >= rows.hi || span.lo == span.hi) {
                detail::zero_row(dst, wo);
                continue;
            }
            // The tap of ow = span.lo.
            const T* line = src + (oh * s + kh - p) * g.width + (span.lo * s + kw - p);
            for (std::size_t ow = 0; ow < span.lo; ++ow) dst[ow] = T(0);
            T* inner = dst + span.lo;
            const std::size_t count = span.hi - span.lo;
            if (s == 1)
                detail::copy_row(inner, line, count);
            else
                for (std::size_t i = 0; i < count; ++i) inner[i] = line[i * s];
            for (std::size_t ow = span.hi; ow < wo; ++ow) dst[ow] = T(0);
        }
    };
    detail::for_each_window_row(g, batch, copy_windows);
}

namespace detail {

// col2im for stride 1, float: each image row is gathered in registers from the K x K column
// rows that cover it (shifted by the tap), then stored once. The scatter form adds rows that
// overlap the row just stored, and each such load waits for that store.
template <std::size_t V>  // vectors per image row
void col2im_rows(const float* col, float* im, std::size_t batch, const ConvGeometry& g) {
    constexpr std::size_t w = simd::width;
    const std::size_t ho = g.out_height(), wo = g.out_width(), cols = batch * ho * wo, k = g.kernel;
    const std::size_t p = g.padding;
    for (std::size_t n = 0; n < batch; ++n)
        for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t h = 0; h < g.height; ++h) {
                simd::vec acc[V];
                for (std::size_t v = 0; v < V; ++v) acc[v] = simd::zero();
                for (std::size_t kh = 0; kh < k; ++kh) {
                    const std::size_t hp = h + p;  // oh = h + p - kh
                    if (hp < kh || hp - kh >= ho) continue;
                    for (std::size_t kw = 0; kw < k; ++kw) {
                        // image column x takes column-row element ow = x + p - kw, for 0 <= ow < wo
                        const float* src = col + ((c * k + kh) * k + kw) * cols + (n * ho + hp - kh) * wo;
                        const std::size_t first = kw > p ? kw - p : 0;           // first x
                        const std::size_t end = std::min(g.width, wo + kw - p);  // one past the last x
                        const float* at_zero =
                            src + p - static_cast<std::ptrdiff_t>(kw);  // element for x = 0
#pragma GCC unroll 4
                        for (std::size_t v = 0; v < V; ++v) {
                            const std::size_t lo = std::max(first, v * w), hi = std::min(end, (v + 1) * w);
                            if (lo < hi)
                                acc[v] =
                                    simd::add(acc[v], simd::load_lanes(at_zero + v * w, lo - v * w, hi - lo));
                        }
                    }
                }
                float* row = im + ((n * g.channels + c) * g.height + h) * g.width;
#pragma GCC unroll 4
                for (std::size_t v = 0; v < V; ++v)
                    simd::store_partial(row + v * w, acc[v], std::min(w, g.width - v * w));
            }
}

inline bool col2im_rows(const float* col, float* im, std::size_t batch, const ConvGeometry& g) {
    if (g.stride != 1) return false;
    switch ((g.width + simd::width - 1) / simd::width) {
        case 1:
            col2im_rows<1>(col, im, batch, g);
            return true;
        case 2:
            col2im_rows<2>(col, im, batch, g);
            return true;
        default:
            return false;
    }
}

}  // namespace detail

template <class T>
inline void col2im(const T* col, T* im, std::size_t batch, const ConvGeometry& g) {
    if constexpr (std::is_same_v<T, float>)
        if (detail::col2im_rows(col, im, batch, g)) return;
    const std::size_t ho = g.out_height(), wo = g.out_width(), cols = batch * ho * wo;
    const std::size_t s = g.stride, p = g.padding;
    std::fill(im, im + batch * g.image_size(), T(0));
    const auto add_windows = [&](std::size_t row, std::size_t plane, std::size_t kh, std::size_t kw,
                                 detail::TapRange rows, detail::TapRange span) {
        T* dst = im + plane * g.height * g.width;
        const T* src = col + row * cols + (plane / g.channels) * ho * wo;
        for (std::size_t oh = rows.lo; oh < rows.hi && span.lo < span.hi; ++oh) {
            T* line = dst + (oh * s + kh - p) * g.width + (span.lo * s + kw - p);
            const T* values = src + oh * wo + span.lo;
            const std::size_t count = span.hi - span.lo;
            if (s == 1)
                detail::add_row(line, values, count);
            else
                for (std::size_t i = 0; i < count; ++i) line[i * s] += values[i];
        }
    };
    detail::for_each_window_row(g, batch, add_windows);
}

}  // namespace ctnn::cpu
