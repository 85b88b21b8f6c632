// ConvGeometry: the image side of a sliding-window op (channels, height, width) and its window
// (kernel, stride, padding), as the backend ops im2col/col2im take it. Also the per-element
// index bodies of im2col and col2im, backend-neutral so a GPU kernel can reuse them and the CPU
// can unit-test them. N batch, C channels, H height, W width; Ho, Wo the window grid.
// col layout: (C*K*K, N*Ho*Wo) row-major, row (c, kh, kw), column (n, oh, ow).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ctnn/core/shape.hpp"

namespace ctnn {

struct ConvGeometry {
    std::size_t channels = 1, height = 1, width = 1;
    std::size_t kernel = 1, stride = 1, padding = 0;

    constexpr std::size_t out_height() const { return window_output(height, kernel, stride, padding); }
    constexpr std::size_t out_width() const { return window_output(width, kernel, stride, padding); }
    constexpr std::size_t image_size() const { return channels * height * width; }  // per sample
    constexpr std::size_t col_rows() const { return channels * kernel * kernel; }
    constexpr std::size_t col_cols(std::size_t batch) const { return batch * out_height() * out_width(); }
};

namespace detail {

// Dimension i of an image shape (C, H, W), or 1 when S is not rank 3 (so that a layer can
// report the wrong rank by its own static_assert before anything else fails).
template <class S>
constexpr std::size_t image_dim(std::size_t i) {
    if constexpr (S::rank == 3)
        return S::dims[i];
    else
        return 1;
}

// "Conv<6, 5x5>", "AvgPool<3x3, stride 2>", "ConvTranspose<64, 4x4, stride 2, pad 1>": the name
// of a sliding-window layer, with stride and padding only where they are not the default.
inline std::string window_layer_name(std::string_view layer, const std::string& lead, std::size_t kernel,
                                     std::size_t stride, std::size_t default_stride, std::size_t padding) {
    const std::string k = std::to_string(kernel);
    std::string text = std::string(layer) + "<" + lead + k + "x" + k;
    if (stride != default_stride) text += ", stride " + std::to_string(stride);
    if (padding) text += ", pad " + std::to_string(padding);
    return text + ">";
}

// im2col, one element: the offset in the (N, C, H, W) image that column element `index`
// (row-major in the (C*K*K, N*Ho*Wo) matrix) copies, or -1 where it falls in the padding.
constexpr std::ptrdiff_t im2col_source(const ConvGeometry& g, std::size_t batch, std::size_t index) {
    const std::size_t ho = g.out_height(), wo = g.out_width(), cols = batch * ho * wo;
    const std::size_t row = index / cols, column = index % cols;
    const std::size_t kw = row % g.kernel, kh = row / g.kernel % g.kernel, c = row / (g.kernel * g.kernel);
    const std::size_t ow = column % wo, oh = column / wo % ho, n = column / (ho * wo);
    const std::size_t ih = oh * g.stride + kh, iw = ow * g.stride + kw;  // in padded coordinates
    if (ih < g.padding || iw < g.padding || ih - g.padding >= g.height || iw - g.padding >= g.width)
        return -1;
    return static_cast<std::ptrdiff_t>(((n * g.channels + c) * g.height + ih - g.padding) * g.width + iw -
                                       g.padding);
}

// col2im, one element: image element `index` of (N, C, H, W) is the sum of every column
// element that im2col would copy from it (a gather, so image elements are independent).
template <class T>
constexpr T col2im_gather(const ConvGeometry& g, std::size_t batch, std::size_t index, const T* col) {
    const std::size_t ho = g.out_height(), wo = g.out_width(), cols = batch * ho * wo;
    const std::size_t w = index % g.width + g.padding, h = index / g.width % g.height + g.padding;
    const std::size_t c = index / (g.width * g.height) % g.channels, n = index / g.image_size();
    T total = 0;
    for (std::size_t kh = 0; kh < g.kernel && kh <= h; ++kh) {
        if ((h - kh) % g.stride) continue;
        const std::size_t oh = (h - kh) / g.stride;
        if (oh >= ho) continue;
        for (std::size_t kw = 0; kw < g.kernel && kw <= w; ++kw) {
            if ((w - kw) % g.stride) continue;
            const std::size_t ow = (w - kw) / g.stride;
            if (ow >= wo) continue;
            total += col[((c * g.kernel + kh) * g.kernel + kw) * cols + (n * ho + oh) * wo + ow];
        }
    }
    return total;
}

}  // namespace detail
}  // namespace ctnn
