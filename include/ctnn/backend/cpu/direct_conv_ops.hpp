// conv2d, conv2d_backward_data and conv2d_backward_weight by the direct kernels of
// cpu/direct_conv.hpp, for float, where one fits the shape; each returns false, having done
// nothing, otherwise (cpu/conv.hpp then runs im2col + GEMM). x (N, C, H, W) under ConvGeometry g,
// weight (Cout, C, K, K), y (N, Cout, Ho, Wo). Per shape the channel layout (channels in vector
// lanes) or the width layout (output pixels of a row in lanes) is picked; the batch is split
// into parts over the thread pool, and weight gradients are summed per part then reduced.
// N batch, C channels, H height, W width
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "ctnn/backend/cpu/conv_parts.hpp"
#include "ctnn/backend/cpu/direct_conv.hpp"
#include "ctnn/backend/cpu/im2col.hpp"
#include "ctnn/backend/cpu/scratch.hpp"
#include "ctnn/backend/cpu/simd.hpp"
#include "ctnn/backend/cpu/thread_pool.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cpu {

namespace detail {

// x (C, H, W) with P zeros around each plane -> out (C, H + 2P, W + 2P).
inline void pad_sample(const float* x, std::size_t channels, std::size_t height, std::size_t width,
                       std::size_t padding, float* out) {
    const std::size_t pw = width + 2 * padding, ph = height + 2 * padding;
    for (std::size_t c = 0; c < channels; ++c) {
        float* plane = out + c * ph * pw;
        zero_row(plane, padding * pw);
        for (std::size_t h = 0; h < height; ++h) {
            float* row = plane + (padding + h) * pw;
            for (std::size_t i = 0; i < padding; ++i) row[i] = row[padding + width + i] = 0.0f;
            copy_row(row + padding, x + (c * height + h) * width, width);
        }
        zero_row(plane + (padding + height) * pw, padding * pw);
    }
}

// The kernels' view of one sample: the padded image, the window, the output.
inline direct::Plane direct_plane(const ConvGeometry& g, std::size_t cout) {
    return {g.channels, g.height + 2 * g.padding, g.width + 2 * g.padding, g.kernel,
            g.stride,   g.out_height(),           g.out_width(),           cout};
}

// Values in the padded copy of one sample (0 without padding: the kernels read x itself).
inline std::size_t padded_size(const ConvGeometry& g) {
    return g.padding ? g.channels * (g.height + 2 * g.padding) * (g.width + 2 * g.padding) : 0;
}

// The sample x (C, H, W) as the kernels read it: x itself, or its padded copy in `buffer`.
inline const float* padded(const float* x, const ConvGeometry& g, float* buffer) {
    if (g.padding == 0) return x;
    pad_sample(x, g.channels, g.height, g.width, g.padding, buffer);
    return buffer;
}

// Channel-layout tiles: R pixels x V vectors of channels from a short menu (few
// instantiations: compile time), within the register file; the last tile of a row overlaps
// the one before. `pixels` is the shortest row the tiles run along; R = 0: no tile fits.
struct ChannelTiling {
    std::size_t r = 0, v = 0;
};
inline ChannelTiling channel_tiling(std::size_t channels, std::size_t pixels) {
    constexpr std::size_t w = simd::width, regs = simd::registers;
    if (channels % w != 0) return {};
    const std::size_t v = (channels / w) % 2 == 0 && 7 * 2 + 3 <= regs ? 2 : 1;
    ChannelTiling best;
    std::size_t best_work = 0;
    for (const std::size_t r : {7, 10, 14}) {
        if (r * v + v + 1 > regs || r > pixels || (v == 2 && r == 10)) continue;
        const std::size_t work = (pixels + r - 1) / r * r;  // pixels computed per row
        if (!best.r || work < best_work || (work == best_work && r > best.r)) best = {r, v}, best_work = work;
    }
    return best;
}

template <std::size_t R, std::size_t V>
void channel_forward(const float* x, const float* wt, const float* bias, float* y, const direct::Plane& p) {
    if (p.stride == 1)
        direct::channel_forward<R, V, 1>(x, wt, bias, y, p);
    else
        direct::channel_forward<R, V, 2>(x, wt, bias, y, p);
}

template <std::size_t V>
void channel_forward(std::size_t r, const float* x, const float* wt, const float* bias, float* y,
                     const direct::Plane& p) {
    if (r == 7) return channel_forward<7, V>(x, wt, bias, y, p);
    if constexpr (V == 1)
        if (r == 10) return channel_forward<10, V>(x, wt, bias, y, p);
    if constexpr (14 * V + V + 1 <= simd::registers)
        if (r == 14) return channel_forward<14, V>(x, wt, bias, y, p);
}

// Width-layout kernels take Cout in groups of 6, 3 or 2 channels, stride 1, rows <= 2 vectors.
inline bool width_layout(const ConvGeometry& g, std::size_t cout) {
    return (cout % 3 == 0 || cout % 2 == 0) && g.stride == 1 && g.out_width() <= 2 * simd::width;
}

// conv2d by the direct kernels where one fits the shape; false (nothing done) otherwise.
inline bool direct_conv2d(const float* x, const float* weight, const float* bias, float* y, std::size_t batch,
                          std::size_t cout, const ConvGeometry& g) {
    const ConvSizes s(g, cout);
    if (s.dense) return false;
    const direct::Plane p = direct_plane(g, cout);
    const std::size_t parts = conv_parts(batch, s, cout);
    if (const ChannelTiling t = (g.stride <= 2 ? channel_tiling(cout, g.out_width()) : ChannelTiling{});
        t.r) {
        // W^T (C*K*K x Cout), packed once and read by every part
        float* wt = scratch<float>(ScratchSlot::conv_weights, s.fan_in * cout);
        for (std::size_t o = 0; o < cout; ++o)
            for (std::size_t f = 0; f < s.fan_in; ++f) wt[f * cout + o] = weight[o * s.fan_in + f];
        const PartScratch<float> buffers(ScratchSlot::conv_columns, parts, padded_size(g));
        parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
            for (std::size_t n = begin; n < end; ++n) {
                const float* xs = padded(x + n * s.in_size, g, buffers[part]);
                if (t.v == 1)
                    channel_forward<1>(t.r, xs, wt, bias, y + n * s.out_size, p);
                else
                    channel_forward<2>(t.r, xs, wt, bias, y + n * s.out_size, p);
            }
        });
        return true;
    }
    if (width_layout(g, cout)) {
        const std::size_t vectors = (g.out_width() + simd::width - 1) / simd::width;
        const PartScratch<float> buffers(ScratchSlot::conv_columns, parts, padded_size(g));
        parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
            for (std::size_t n = begin; n < end; ++n) {
                const float* xs = padded(x + n * s.in_size, g, buffers[part]);
                float* out = y + n * s.out_size;
                if (cout % 6 == 0)
                    vectors == 1 ? direct::width_forward<6, 1>(xs, weight, bias, out, p)
                                 : direct::width_forward<6, 2>(xs, weight, bias, out, p);
                else if (cout % 3 == 0)
                    vectors == 1 ? direct::width_forward<3, 1>(xs, weight, bias, out, p)
                                 : direct::width_forward<3, 2>(xs, weight, bias, out, p);
                else
                    vectors == 1 ? direct::width_forward<2, 1>(xs, weight, bias, out, p)
                                 : direct::width_forward<2, 2>(xs, weight, bias, out, p);
            }
        });
        return true;
    }
    return false;
}

template <std::size_t R, std::size_t V>
void channel_data(const float* dyp, std::size_t margin, const float* wr, float* dx, const direct::Plane& p,
                  const ConvGeometry& g) {
    if (g.stride == 1)
        direct::channel_data<R, V, 1>(dyp, margin, wr, dx, p, g.padding, g.height, g.width);
    else
        direct::channel_data<R, V, 2>(dyp, margin, wr, dx, p, g.padding, g.height, g.width);
}

template <std::size_t V>
void channel_data(std::size_t r, const float* dyp, std::size_t margin, const float* wr, float* dx,
                  const direct::Plane& p, const ConvGeometry& g) {
    if (r == 7) return channel_data<7, V>(dyp, margin, wr, dx, p, g);
    if constexpr (V == 1)
        if (r == 10) return channel_data<10, V>(dyp, margin, wr, dx, p, g);
    if constexpr (14 * V + V + 1 <= simd::registers)
        if (r == 14) return channel_data<14, V>(dyp, margin, wr, dx, p, g);
}

// conv2d_backward_data by the direct kernel (input channels a multiple of the vector width,
// stride 1 or 2); false (nothing done) otherwise.
inline bool direct_conv2d_backward_data(const float* dy, const float* weight, float* dx, std::size_t batch,
                                        std::size_t cout, const ConvGeometry& g) {
    const ConvSizes s(g, cout);
    if (s.dense || (g.stride != 1 && g.stride != 2)) return false;
    // Tiles along the pixels of one residue class of a row: at least width / stride of them.
    const ChannelTiling t = channel_tiling(g.channels, g.width / g.stride);
    if (!t.r) return false;
    const std::size_t k = g.kernel, margin = (k + g.stride - 1) / g.stride + 1;
    const std::size_t ho = g.out_height(), wo = g.out_width();
    const std::size_t dy_plane = (ho + 2 * margin) * (wo + 2 * margin);
    // Weights as (Cout, K, K, C), packed once and read by every part.
    float* wr = scratch<float>(ScratchSlot::conv_weights, cout * s.fan_in);
    for (std::size_t o = 0; o < cout; ++o)
        for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t tap = 0; tap < k * k; ++tap)
                wr[(o * k * k + tap) * g.channels + c] = weight[(o * g.channels + c) * k * k + tap];
    const direct::Plane p = direct_plane(g, cout);
    const std::size_t parts = conv_parts(batch, s, cout);
    const PartScratch<float> buffers(ScratchSlot::conv_columns, parts, cout * dy_plane);
    parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
        float* dyp = buffers[part];
        std::fill(dyp, dyp + cout * dy_plane, 0.0f);
        for (std::size_t n = begin; n < end; ++n) {
            const float* d = dy + n * s.out_size;
            for (std::size_t o = 0; o < cout; ++o)
                for (std::size_t oh = 0; oh < ho; ++oh)
                    copy_row(dyp + o * dy_plane + (margin + oh) * (wo + 2 * margin) + margin,
                             d + (o * ho + oh) * wo, wo);
            if (t.v == 1)
                channel_data<1>(t.r, dyp, margin, wr, dx + n * s.in_size, p, g);
            else
                channel_data<2>(t.r, dyp, margin, wr, dx + n * s.in_size, p, g);
        }
    });
    return true;
}

// conv2d_backward_weight by the direct kernels where one fits the shape; false otherwise.
inline bool direct_conv2d_backward_weight(const float* x, const float* dy, float* dweight, float* dbias,
                                          std::size_t batch, std::size_t cout, const ConvGeometry& g) {
    const ConvSizes s(g, cout);
    if (s.dense) return false;
    const direct::Plane p = direct_plane(g, cout);
    constexpr std::size_t max_parts = PartialWeightGradients<float>::max_parts;
    const std::size_t parts = std::min(max_parts, conv_parts(batch, s, cout));
    const std::size_t weights = cout * s.fan_in;
    // Per part: dy^T of one sample (channel layout) and one padded sample.
    const PartScratch<float> buffers(ScratchSlot::conv_columns, parts, s.out_size + padded_size(g));
    if (cout % simd::width == 0 && direct::channel_weight_taps(g.kernel)) {
        // Each part sums dW^T (C*K*K x Cout) and dbias in its scratch; then one transposed add.
        std::array<float*, max_parts> partial{};
        float* blocks = scratch<float>(ScratchSlot::conv_partial, parts * (weights + cout));
        constexpr std::size_t vmax = (simd::registers - 1) / 6;  // KW <= 5 taps x V, + V + 1
        const std::size_t vectors = cout / simd::width;
        const std::size_t v = vectors % 4 == 0 && vmax >= 4 ? 4 : vectors % 2 == 0 && vmax >= 2 ? 2 : 1;
        parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
            float* dwt = partial[part] = blocks + part * (weights + cout);
            float* db = dwt + weights;
            std::fill(dwt, dwt + weights + cout, 0.0f);
            float* dyt = buffers[part];
            for (std::size_t n = begin; n < end; ++n) {
                const float* d = dy + n * s.out_size;
                for (std::size_t o = 0; o < cout; ++o) {
                    for (std::size_t q = 0; q < s.plane; ++q) dyt[q * cout + o] = d[o * s.plane + q];
                    db[o] += sum(d + o * s.plane, s.plane);
                }
                const float* xs = padded(x + n * s.in_size, g, dyt + s.out_size);
                if (v == 4)
                    direct::channel_weight<4>(xs, dyt, dwt, p);
                else if (v == 2)
                    direct::channel_weight<2>(xs, dyt, dwt, p);
                else
                    direct::channel_weight<1>(xs, dyt, dwt, p);
            }
        });
        for (std::size_t part = 0; part < parts; ++part) {
            const float* dwt = partial[part];
            if (!dwt) continue;
            for (std::size_t o = 0; o < cout; ++o)
                for (std::size_t f = 0; f < s.fan_in; ++f) dweight[o * s.fan_in + f] += dwt[f * cout + o];
            if (dbias)
                for (std::size_t o = 0; o < cout; ++o) dbias[o] += dwt[weights + o];
        }
        return true;
    }
    if (width_layout(g, cout) && g.kernel >= 2) {
        // The kernel adds its reduced sums into each part's target.
        PartialWeightGradients<float> sums(dweight, dbias, weights, cout, parts);
        parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
            const auto target = sums.target(part);
            float* dw = target.dweight;
            float* db = target.dbias;
            const auto weight_of = [&](const float* xs, const float* d, std::size_t count) {
                if (cout % 6 == 0)
                    direct::width_weight<6>(xs, d, count, dw, p);
                else if (cout % 3 == 0)
                    direct::width_weight<3>(xs, d, count, dw, p);
                else
                    direct::width_weight<2>(xs, d, count, dw, p);
            };
            if (g.padding == 0)
                weight_of(x + begin * s.in_size, dy + begin * s.out_size, end - begin);
            else
                for (std::size_t n = begin; n < end; ++n)
                    weight_of(padded(x + n * s.in_size, g, buffers[part]), dy + n * s.out_size, 1);
            if (db)
                for (std::size_t n = begin; n < end; ++n)
                    for (std::size_t o = 0; o < cout; ++o)
                        db[o] += sum(dy + n * s.out_size + o * s.plane, s.plane);
        });
        sums.add_parts();
        return true;
    }
    return false;
}

}  // namespace detail

}  // namespace ctnn::cpu
