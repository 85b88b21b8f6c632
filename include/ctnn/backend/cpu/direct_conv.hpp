// Direct float convolution kernels of the CPU backend (no im2col): the taps are read straight
// from the image. Two layouts, picked per shape by cpu/conv.hpp:
//   channel: vectors along output channels (Cout a multiple of the vector width). Forward: a
//     tile of R output pixels of one row x V channel vectors, each tap one weight vector of W^T
//     (packed C*K*K x Cout) and R broadcast pixels. Weight gradient: dW^T (C*K*K x Cout) tiles of
//     one kernel row (KW taps) x V channel vectors, accumulated over every output pixel from dy^T
//     (pixels x Cout) and broadcast taps.
//   width: vectors along an output row (stride 1, Cout a multiple of 2 or 3, as LeNet-5's
//     first Conv<6, 5>). Forward: groups of 6, 3 or 2 channels x the row's vectors, each tap one
//     broadcast weight. Weight gradient: a group x 2 or 3 taps of one kernel row, accumulated
//     along rows, reduced at the end.
// Each layout instantiates a handful of tile shapes (compile time); conv.hpp sends shapes that
// fit none of them to im2col + GEMM.
// The image must be unpadded here (conv.hpp copies a padded sample first). Row tails are
// masked (width) or recomputed by an overlapping last tile (channel).
// N batch, C channels, H height, W width; K kernel, S stride; Ho, Wo output rows and columns.
#pragma once

#include <algorithm>
#include <cstddef>

#include "ctnn/backend/cpu/simd.hpp"

namespace ctnn::cpu::direct {

using simd::vec;
inline constexpr std::size_t VW = simd::width;

// Geometry of one (padded) sample as the kernels see it.
struct Plane {
    std::size_t channels, height, width;  // input image (after padding)
    std::size_t kernel, stride;
    std::size_t out_height, out_width;
    std::size_t cout;
};

// ---- channel layout ---------------------------------------------------------------------

// out[r][j] = sum over taps of x(tap, pixel r) * wt[tap][j], j < V*VW; x at the tile's first
// pixel (row oh*S, column ow0*S of channel 0), wt = W^T at the channel block (row stride cout).
template <std::size_t R, std::size_t V, std::size_t S>
inline void channel_forward_tile(const float* x, const float* wt, const Plane& p, float* out) {
    vec acc[R][V];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) acc[r][v] = simd::zero();
    const std::size_t image = p.height * p.width;
    for (std::size_t c = 0; c < p.channels; ++c)
        for (std::size_t kh = 0; kh < p.kernel; ++kh) {
            const float* row = x + c * image + kh * p.width;
            for (std::size_t kw = 0; kw < p.kernel; ++kw, wt += p.cout) {
                vec w[V];
#pragma GCC unroll 4
                for (std::size_t v = 0; v < V; ++v) w[v] = simd::load(wt + v * VW);
#pragma GCC unroll 16
                for (std::size_t r = 0; r < R; ++r) {
                    const vec a = simd::broadcast(row[kw + r * S]);
#pragma GCC unroll 4
                    for (std::size_t v = 0; v < V; ++v) acc[r][v] = simd::fma(a, w[v], acc[r][v]);
                }
            }
        }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) simd::store(out + r * V * VW + v * VW, acc[r][v]);
}

// y (Cout, Ho, Wo) of one sample x (C, H, W), wt = W^T (C*K*K x Cout), bias optional.
template <std::size_t R, std::size_t V, std::size_t S>
void channel_forward(const float* x, const float* wt, const float* bias, float* y, const Plane& p) {
    const std::size_t plane = p.out_height * p.out_width;
    alignas(64) float tile[R * V * VW];
    for (std::size_t oc0 = 0; oc0 < p.cout; oc0 += V * VW)
        for (std::size_t oh = 0; oh < p.out_height; ++oh)
            for (std::size_t ow0 = 0; ow0 < p.out_width; ow0 += R) {
                const std::size_t at = std::min(ow0, p.out_width - R);  // the last tile overlaps
                channel_forward_tile<R, V, S>(x + oh * S * p.width + at * S, wt + oc0, p, tile);
                for (std::size_t j = 0; j < V * VW; ++j) {
                    float* dst = y + (oc0 + j) * plane + oh * p.out_width + at;
                    const float b = bias ? bias[oc0 + j] : 0.0f;
#pragma GCC unroll 16
                    for (std::size_t r = 0; r < R; ++r) dst[r] = tile[r * V * VW + j] + b;
                }
            }
}

// dwt[kw][j] += sum over output pixels of x(tap (c, kh, kw), pixel) * dyt[pixel][j] for the KW
// taps of one kernel row and V channel vectors; x at channel c, row kh; dyt = dy^T (pixels x
// Cout) at the channel block; dwt = dW^T at tap (c, kh, kw0), channel block (row stride cout).
template <std::size_t KW, std::size_t V>
inline void channel_weight_tile(const float* x, const float* dyt, float* dwt, const Plane& p) {
    vec acc[KW][V];
#pragma GCC unroll 8
    for (std::size_t k = 0; k < KW; ++k)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) acc[k][v] = simd::load(dwt + k * p.cout + v * VW);
    for (std::size_t oh = 0; oh < p.out_height; ++oh) {
        const float* row = x + oh * p.stride * p.width;
        for (std::size_t ow = 0; ow < p.out_width; ++ow, row += p.stride, dyt += p.cout) {
            vec d[V];
#pragma GCC unroll 4
            for (std::size_t v = 0; v < V; ++v) d[v] = simd::load(dyt + v * VW);
#pragma GCC unroll 8
            for (std::size_t k = 0; k < KW; ++k) {
                const vec a = simd::broadcast(row[k]);
#pragma GCC unroll 4
                for (std::size_t v = 0; v < V; ++v) acc[k][v] = simd::fma(a, d[v], acc[k][v]);
            }
        }
    }
#pragma GCC unroll 8
    for (std::size_t k = 0; k < KW; ++k)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) simd::store(dwt + k * p.cout + v * VW, acc[k][v]);
}

// Kernel rows are covered by tiles of 5 and 4 taps (K = 4, 5, 8, 9, 10, ...; conv.hpp checks).
inline bool channel_weight_taps(std::size_t k) {
    return k == 4 || k == 5 || k >= 8;
}

// dwt (C*K*K x Cout) += the weight gradient of one sample x (C, H, W) and dyt = dy^T (Ho*Wo x Cout).
template <std::size_t V>
void channel_weight(const float* x, const float* dyt, float* dwt, const Plane& p) {
    const std::size_t image = p.height * p.width, k = p.kernel;
    for (std::size_t oc0 = 0; oc0 < p.cout; oc0 += V * VW)
        for (std::size_t c = 0; c < p.channels; ++c)
            for (std::size_t kh = 0; kh < k; ++kh)
                for (std::size_t kw0 = 0; kw0 < k;) {
                    const std::size_t left = k - kw0, taps = left == 4 || left == 8 ? 4 : 5;
                    const float* xs = x + c * image + kh * p.width + kw0;
                    float* d = dwt + ((c * k + kh) * k + kw0) * p.cout + oc0;
                    if (taps == 4)
                        channel_weight_tile<4, V>(xs, dyt + oc0, d, p);
                    else
                        channel_weight_tile<5, V>(xs, dyt + oc0, d, p);
                    kw0 += taps;
                }
}

// Input gradient, channel layout along the input channels (C a multiple of the vector width):
// the adjoint gathered per input pixel. For input row h, kernel rows kh = h + P (mod S) read
// dy row oh = (h + P - kh) / S; the pixels w of one residue q = w + P (mod S) share their kernel
// columns kw = q (mod S) and read dy columns ow = (w + P - kw) / S, consecutive along w. A tile
// is R such pixels x V channel vectors; each tap one broadcast of dy and V vectors of the
// weight repacked as wr (Cout, K, K, C). dy is read from a copy with `margin` zeros around each
// plane (dyp, rows of out_width + 2 margin), so taps past its border need no test.
template <std::size_t R, std::size_t V, std::size_t S>
void channel_data(const float* dyp, std::size_t margin, const float* wr, float* dx, const Plane& p,
                  std::size_t padding, std::size_t height, std::size_t width) {
    const std::size_t k = p.kernel, c_count = p.channels;
    const std::size_t dy_width = p.out_width + 2 * margin, dy_plane = (p.out_height + 2 * margin) * dy_width;
    alignas(64) float tile[R * V * VW];
    for (std::size_t c0 = 0; c0 < c_count; c0 += V * VW)
        for (std::size_t h = 0; h < height; ++h) {
            const std::size_t hp = h + padding;
            for (std::size_t q = 0; q < S; ++q) {
                // w = S j + q - P for j in [j_lo, j_hi): the pixels of residue q inside the image
                const std::size_t j_lo = (padding + S - 1 - q) / S;  // smallest j with S j + q >= P
                const std::size_t j_hi = (width + padding - q + S - 1) / S;
                if (j_hi <= j_lo) continue;  // (the caller picks R <= every class's size)
                for (std::size_t j0 = j_lo; j0 < j_hi; j0 += R) {
                    const std::size_t at = std::min(j0, j_hi - R);  // the last tile overlaps
                    vec acc[R][V];
#pragma GCC unroll 16
                    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
                        for (std::size_t v = 0; v < V; ++v) acc[r][v] = simd::zero();
                    for (std::size_t o = 0; o < p.cout; ++o)
                        for (std::size_t kh = hp % S; kh < k; kh += S) {
                            // dy row oh = (hp - kh) / S (exact; may be negative), at margin + oh in the copy
                            const std::ptrdiff_t oh =
                                (static_cast<std::ptrdiff_t>(hp) - static_cast<std::ptrdiff_t>(kh)) /
                                static_cast<std::ptrdiff_t>(S);
                            const float* drow =
                                dyp + o * dy_plane +
                                static_cast<std::size_t>(static_cast<std::ptrdiff_t>(margin) + oh) *
                                    dy_width +
                                margin;
                            for (std::size_t kw = q; kw < k; kw += S) {
                                // pixel j reads ow = j - (kw - q) / S
                                const float* d = drow + at - (kw - q) / S;
                                const float* w = wr + ((o * k + kh) * k + kw) * c_count + c0;
                                vec wv[V];
#pragma GCC unroll 4
                                for (std::size_t v = 0; v < V; ++v) wv[v] = simd::load(w + v * VW);
#pragma GCC unroll 16
                                for (std::size_t r = 0; r < R; ++r) {
                                    const vec a = simd::broadcast(d[r]);
#pragma GCC unroll 4
                                    for (std::size_t v = 0; v < V; ++v)
                                        acc[r][v] = simd::fma(a, wv[v], acc[r][v]);
                                }
                            }
                        }
#pragma GCC unroll 16
                    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
                        for (std::size_t v = 0; v < V; ++v)
                            simd::store(tile + r * V * VW + v * VW, acc[r][v]);
                    for (std::size_t cc = 0; cc < V * VW; ++cc) {
                        float* dst = dx + ((c0 + cc) * height + h) * width;
#pragma GCC unroll 16
                        for (std::size_t r = 0; r < R; ++r)
                            dst[S * (at + r) + q - padding] = tile[r * V * VW + cc];
                    }
                }
            }
        }
}

// ---- width layout (stride 1) ------------------------------------------------------------

// y (Cout, Ho, Wo) of one sample, Wo <= NV * VW, Cout a multiple of G: per output row and
// group of G channels, G x NV accumulators over every tap.
template <std::size_t G, std::size_t NV>
void width_forward(const float* x, const float* w, const float* bias, float* y, const Plane& p) {
    const std::size_t image = p.height * p.width, plane = p.out_height * p.out_width;
    const std::size_t taps = p.channels * p.kernel * p.kernel;
    const std::size_t tail = p.out_width - (NV - 1) * VW;  // lanes of the last vector
    for (std::size_t o0 = 0; o0 < p.cout; o0 += G)
        for (std::size_t oh = 0; oh < p.out_height; ++oh) {
            vec acc[G][NV];
#pragma GCC unroll 8
            for (std::size_t o = 0; o < G; ++o)
#pragma GCC unroll 2
                for (std::size_t v = 0; v < NV; ++v) acc[o][v] = simd::broadcast(bias ? bias[o0 + o] : 0.0f);
            const float* wk = w + o0 * taps;  // w[o][c][kh][kw]; the tap index runs over c, kh, kw
            for (std::size_t c = 0; c < p.channels; ++c)
                for (std::size_t kh = 0; kh < p.kernel; ++kh) {
                    const float* row = x + c * image + (oh + kh) * p.width;
                    for (std::size_t kw = 0; kw < p.kernel; ++kw, ++wk) {
                        vec xv[NV];
#pragma GCC unroll 2
                        for (std::size_t v = 0; v + 1 < NV; ++v) xv[v] = simd::load(row + kw + v * VW);
                        xv[NV - 1] = simd::load_partial(row + kw + (NV - 1) * VW, tail);
#pragma GCC unroll 8
                        for (std::size_t o = 0; o < G; ++o) {
                            const vec a = simd::broadcast(wk[o * taps]);
#pragma GCC unroll 2
                            for (std::size_t v = 0; v < NV; ++v) acc[o][v] = simd::fma(a, xv[v], acc[o][v]);
                        }
                    }
                }
#pragma GCC unroll 8
            for (std::size_t o = 0; o < G; ++o) {
                float* dst = y + (o0 + o) * plane + oh * p.out_width;
#pragma GCC unroll 2
                for (std::size_t v = 0; v + 1 < NV; ++v) simd::store(dst + v * VW, acc[o][v]);
                simd::store_partial(dst + (NV - 1) * VW, acc[o][NV - 1], tail);
            }
        }
}

// dw[o][c][kh][kw0 + k] += sum over samples, rows and columns of dy[o][oh][ow] x[c][oh + kh][ow +
// kw0 + k] for k < KW and a group of G channels o, over `count` samples (x and dy strides
// given); the vector sums are reduced at the end.
template <std::size_t G, std::size_t KW>
void width_weight_tile(const float* x, std::size_t x_stride, const float* dy, std::size_t dy_stride,
                       std::size_t count, float* dw, std::size_t o_stride, const Plane& p) {
    vec acc[G][KW];
#pragma GCC unroll 8
    for (std::size_t o = 0; o < G; ++o)
#pragma GCC unroll 4
        for (std::size_t k = 0; k < KW; ++k) acc[o][k] = simd::zero();
    const std::size_t plane = p.out_height * p.out_width;
    for (std::size_t n = 0; n < count; ++n, x += x_stride, dy += dy_stride)
        for (std::size_t oh = 0; oh < p.out_height; ++oh) {
            const float* row = x + oh * p.width;
            const float* d = dy + oh * p.out_width;
            for (std::size_t ow = 0; ow < p.out_width; ow += VW) {
                const std::size_t lanes = std::min(VW, p.out_width - ow);
                vec xv[KW];
#pragma GCC unroll 4
                for (std::size_t k = 0; k < KW; ++k) xv[k] = simd::load_partial(row + ow + k, lanes);
#pragma GCC unroll 8
                for (std::size_t o = 0; o < G; ++o) {
                    const vec dv = simd::load_partial(d + o * plane + ow, lanes);
#pragma GCC unroll 4
                    for (std::size_t k = 0; k < KW; ++k) acc[o][k] = simd::fma(dv, xv[k], acc[o][k]);
                }
            }
        }
#pragma GCC unroll 8
    for (std::size_t o = 0; o < G; ++o)
#pragma GCC unroll 4
        for (std::size_t k = 0; k < KW; ++k) dw[o * o_stride + k] += simd::sum(acc[o][k]);
}

// dw (Cout, C, K, K) += the weight gradient of `count` samples x (C, H, W), dy (Cout, Ho, Wo);
// Cout a multiple of G, K >= 2 (kernel rows in tiles of 3 and 2 taps).
template <std::size_t G>
void width_weight(const float* x, const float* dy, std::size_t count, float* dw, const Plane& p) {
    const std::size_t image = p.height * p.width, k = p.kernel, taps = p.channels * k * k;
    const std::size_t plane = p.out_height * p.out_width;
    const std::size_t x_stride = p.channels * image, dy_stride = p.cout * plane;
    for (std::size_t o0 = 0; o0 < p.cout; o0 += G)
        for (std::size_t c = 0; c < p.channels; ++c)
            for (std::size_t kh = 0; kh < k; ++kh)
                for (std::size_t kw0 = 0; kw0 < k;) {
                    const std::size_t left = k - kw0, tile = left == 2 || left == 4 ? 2 : 3;
                    const float* xs = x + c * image + kh * p.width + kw0;
                    float* d = dw + o0 * taps + (c * k + kh) * k + kw0;
                    if (tile == 2)
                        width_weight_tile<G, 2>(xs, x_stride, dy + o0 * plane, dy_stride, count, d, taps, p);
                    else
                        width_weight_tile<G, 3>(xs, x_stride, dy + o0 * plane, dy_stride, count, d, taps, p);
                    kw0 += tile;
                }
}

}  // namespace ctnn::cpu::direct
