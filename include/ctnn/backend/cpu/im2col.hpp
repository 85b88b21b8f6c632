// CPU im2col / col2im over a whole batch: the image (N, C, H, W) and the column matrix
// (C*K*K, N*Ho*Wo), row (c, kh, kw), column (n, oh, ow); see ctnn/core/conv_geometry.hpp.
// im2col copies windows into columns (zeros in the padding); col2im is its adjoint: it
// overwrites the image with the sum of every column element copied from each pixel.
// Both walk whole output rows so the inner loops are contiguous (stride 1) and vectorize.
#pragma once

#include <algorithm>
#include <cstddef>

#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cpu {

namespace detail {

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
        // Plain loops, not std::fill/copy: rows are short (often < 32) and a call per row costs more.
        for (std::size_t oh = 0; oh < ho; ++oh, dst += wo) {
            if (oh < rows.lo || oh >= rows.hi || span.lo == span.hi) {
                for (std::size_t ow = 0; ow < wo; ++ow) dst[ow] = T(0);
                continue;
            }
            // The tap of ow = span.lo.
            const T* line = src + (oh * s + kh - p) * g.width + (span.lo * s + kw - p);
            for (std::size_t ow = 0; ow < span.lo; ++ow) dst[ow] = T(0);
            T* inner = dst + span.lo;
            const std::size_t count = span.hi - span.lo;
            if (s == 1)
                for (std::size_t i = 0; i < count; ++i) inner[i] = line[i];
            else
                for (std::size_t i = 0; i < count; ++i) inner[i] = line[i * s];
            for (std::size_t ow = span.hi; ow < wo; ++ow) dst[ow] = T(0);
        }
    };
    detail::for_each_window_row(g, batch, copy_windows);
}

template <class T>
inline void col2im(const T* col, T* im, std::size_t batch, const ConvGeometry& g) {
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
                for (std::size_t i = 0; i < count; ++i) line[i] += values[i];
            else
                for (std::size_t i = 0; i < count; ++i) line[i * s] += values[i];
        }
    };
    detail::for_each_window_row(g, batch, add_windows);
}

}  // namespace ctnn::cpu
