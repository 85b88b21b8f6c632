// CPU convolution ops (cpu::Blas's conv2d, conv2d_backward_data, conv2d_backward_weight):
// x (N, C, H, W) under ConvGeometry g, weight (Cout, C, K, K), y (N, Cout, Ho, Wo).
// Each op walks the batch in chunks of about `chunk_columns` GEMM columns: im2col of a chunk
// into per-thread scratch (it stays in cache for the GEMM that reads it), one GEMM, a permute to
// NCHW; chunks are split over the thread pool, and the weight gradient is summed per part then
// reduced (deterministic for a given thread count). A convolution whose kernel covers its whole
// unpadded input (LeNet-5's Conv<120, 5> on 5x5) is a dense layer: one GEMM over the batch.
// N batch, C channels, H height, W width
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "ctnn/backend/cpu/direct_conv.hpp"
#include "ctnn/backend/cpu/gemm.hpp"
#include "ctnn/backend/cpu/im2col.hpp"
#include "ctnn/backend/cpu/scratch.hpp"
#include "ctnn/backend/cpu/simd.hpp"
#include "ctnn/backend/cpu/thread_pool.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cpu {

namespace detail {

struct ConvSizes {
    std::size_t fan_in, plane, in_size, out_size, chunk;
    bool dense;  // one output pixel from the whole unpadded input: x rows are im2col's columns
    ConvSizes(const ConvGeometry& g, std::size_t cout)
        : fan_in(g.col_rows()),
          plane(g.out_height() * g.out_width()),
          in_size(g.image_size()),
          out_size(cout * plane),
          chunk(std::max<std::size_t>(1, std::min(512 / plane, 262144 / fan_in / plane))),
          dense(g.padding == 0 && g.kernel == g.height && g.kernel == g.width) {}
};

// (rows, cols, block) -> (cols, rows, block), as BasicBlas::transpose_blocks; bias[c] added
// to block c of every row when bias is given (the NCHW result of a (Cout, n*P) GEMM).
template <class T>
void transpose_blocks(const T* x, T* y, std::size_t rows, std::size_t cols, std::size_t block, const T* bias) {
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            const T* from = x + (r * cols + c) * block;
            T* to = y + (c * rows + r) * block;
            const T b = bias ? bias[r] : T(0);
            for (std::size_t i = 0; i < block; ++i) to[i] = from[i] + b;
        }
}

// x[0] + ... + x[n - 1] in independent lanes (vectors for float).
template <class T>
T sum(const T* x, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
        constexpr std::size_t w = simd::width;
        simd::vec a = simd::zero(), b = simd::zero();
        std::size_t i = 0;
        for (; i + 2 * w <= n; i += 2 * w) {
            a = simd::add(a, simd::load(x + i));
            b = simd::add(b, simd::load(x + i + w));
        }
        for (; i < n; i += w) a = simd::add(a, simd::load_partial(x + i, std::min(w, n - i)));
        return simd::sum(simd::add(a, b));
    } else {
        T lanes[4] = {0, 0, 0, 0};
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4)
            for (std::size_t j = 0; j < 4; ++j) lanes[j] += x[i + j];
        for (; i < n; ++i) lanes[0] += x[i];
        return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    }
}

// Scratch for the parts of one op: per_part values for each part, all taken from the calling
// thread's scratch before the parts start. Not each worker's own: a worker that ran no part
// during a warm-up step would allocate later, and one thread may run two parts.
template <class T>
struct PartScratch {
    T* base;
    std::size_t per_part;
    PartScratch(ScratchSlot slot, std::size_t parts, std::size_t per_part)
        : base(scratch<T>(slot, parts * per_part)), per_part(per_part) {}
    T* operator[](std::size_t part) const { return base + part * per_part; }
};

// One part per ~256k multiply-adds of the whole op.
inline std::size_t conv_parts(std::size_t batch, const ConvSizes& s, std::size_t cout) {
    return parallel_parts(double(batch) * double(cout) * double(s.plane) * double(s.fan_in), 262144.0);
}

// Where each part of a weight-gradient op adds its sums: part 0 into dweight and dbias
// themselves, every other part into its own zeroed block of scratch (a block per part, not per
// thread: a thread may run two parts); add_parts() then adds the blocks in, in part order
// (deterministic for a given thread count).
template <class T>
class PartialWeightGradients {
  public:
    static constexpr std::size_t max_parts = 64;
    struct Target {
        T* dweight;
        T* dbias;  // null when the op has no bias
    };

    PartialWeightGradients(T* dweight, T* dbias, std::size_t weights, std::size_t cout, std::size_t parts)
        : m_dweight(dweight),
          m_dbias(dbias),
          m_weights(weights),
          m_cout(cout),
          m_blocks(scratch<T>(ScratchSlot::conv_partial, parts * (weights + cout))) {}

    Target target(std::size_t part) {
        if (part == 0) return {m_dweight, m_dbias};
        T* block = m_partial[part] = m_blocks + part * (m_weights + m_cout);
        std::fill(block, block + m_weights + m_cout, T(0));
        return {block, m_dbias ? block + m_weights : nullptr};
    }

    void add_parts() const {
        for (std::size_t part = 1; part < max_parts; ++part) {
            const T* block = m_partial[part];
            if (!block) continue;
            for (std::size_t i = 0; i < m_weights; ++i) m_dweight[i] += block[i];
            if (m_dbias)
                for (std::size_t c = 0; c < m_cout; ++c) m_dbias[c] += block[m_weights + c];
        }
    }

  private:
    T* m_dweight;
    T* m_dbias;
    std::size_t m_weights, m_cout;
    T* m_blocks;
    std::array<T*, max_parts> m_partial{};
};

}  // namespace detail

namespace detail {

// y = conv(x, weight) + bias (bias may be null), by chunked im2col + GEMM.
template <class T>
void im2col_conv2d(const T* x, const T* weight, const T* bias, T* y, std::size_t batch, std::size_t cout,
            const ConvGeometry& g) {
    const ConvSizes s(g, cout);
    if (s.dense) {  // y (N, Cout) = x (N, C*K*K) weight^T
        cpu::gemm<T>(false, true, batch, cout, s.fan_in, T(1), x, s.fan_in, weight, s.fan_in, T(0), y, cout);
        if (bias)
            for (std::size_t n = 0; n < batch; ++n)
                for (std::size_t c = 0; c < cout; ++c) y[n * cout + c] += bias[c];
        return;
    }
    const std::size_t parts = conv_parts(batch, s, cout), columns = s.fan_in * s.chunk * s.plane;
    const PartScratch<T> buffers(ScratchSlot::conv_columns, parts, columns + s.out_size * s.chunk);
    parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
        T* col = buffers[part];
        T* work = col + columns;
        for (std::size_t n0 = begin; n0 < end; n0 += s.chunk) {
            const std::size_t nb = std::min(s.chunk, end - n0), cols = nb * s.plane;
            T* out = y + n0 * s.out_size;
            im2col(x + n0 * s.in_size, col, nb, g);
            // (Cout, nb*Ho*Wo) = weight (Cout, C*K*K) x col (C*K*K, nb*Ho*Wo), then to NCHW with the bias
            gemm_serial<T>(false, false, cout, cols, s.fan_in, T(1), weight, s.fan_in, col, cols, T(0),
                           nb == 1 ? out : work, cols);
            if (nb > 1)
                transpose_blocks(work, out, cout, nb, s.plane, bias);
            else if (bias)
                for (std::size_t c = 0; c < cout; ++c)
                    for (std::size_t p = 0; p < s.plane; ++p) out[c * s.plane + p] += bias[c];
        }
    });
}

}  // namespace detail

// dx = the adjoint of conv2d in x, applied to dy (overwrites dx): GEMM + col2im per chunk.
// (Declared here, dispatched below with the direct kernels.)
template <class T>
void im2col_conv2d_backward_data(const T* dy, const T* weight, T* dx, std::size_t batch, std::size_t cout,
                                 const ConvGeometry& g) {
    const detail::ConvSizes s(g, cout);
    if (s.dense) {  // dx (N, C*K*K) = dy (N, Cout) weight
        cpu::gemm<T>(false, false, batch, s.fan_in, cout, T(1), dy, cout, weight, s.fan_in, T(0), dx, s.fan_in);
        return;
    }
    const std::size_t parts = detail::conv_parts(batch, s, cout), columns = s.fan_in * s.chunk * s.plane;
    const detail::PartScratch<T> buffers(ScratchSlot::conv_columns, parts, columns + s.out_size * s.chunk);
    parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
        T* dcol = buffers[part];
        T* work = dcol + columns;
        for (std::size_t n0 = begin; n0 < end; n0 += s.chunk) {
            const std::size_t nb = std::min(s.chunk, end - n0), cols = nb * s.plane;
            const T* dy_cm = dy + n0 * s.out_size;  // as (Cout, nb*Ho*Wo)
            if (nb > 1) {
                detail::transpose_blocks<T>(dy_cm, work, nb, cout, s.plane, nullptr);
                dy_cm = work;
            }
            // dcol (C*K*K, nb*Ho*Wo) = weight^T dy; dx = col2im(dcol)
            gemm_serial<T>(true, false, s.fan_in, cols, cout, T(1), weight, s.fan_in, dy_cm, cols, T(0), dcol, cols);
            col2im(dcol, dx + n0 * s.in_size, nb, g);
        }
    });
}

namespace detail {

// dweight += the gradient of conv2d in weight for dy; dbias (if given) += dy summed per channel;
// by chunked im2col + GEMM.
template <class T>
void im2col_conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch, std::size_t cout,
                            const ConvGeometry& g) {
    const ConvSizes s(g, cout);
    if (s.dense) {  // dweight (Cout, C*K*K) += dy^T (Cout, N) x (N, C*K*K)
        cpu::gemm<T>(true, false, cout, s.fan_in, batch, T(1), dy, cout, x, s.fan_in, T(1), dweight, s.fan_in);
        if (dbias)
            for (std::size_t n = 0; n < batch; ++n)
                for (std::size_t c = 0; c < cout; ++c) dbias[c] += dy[n * cout + c];
        return;
    }
    const std::size_t parts = std::min(PartialWeightGradients<T>::max_parts, conv_parts(batch, s, cout));
    PartialWeightGradients<T> sums(dweight, dbias, cout * s.fan_in, cout, parts);
    const std::size_t columns = s.fan_in * s.chunk * s.plane;
    const PartScratch<T> buffers(ScratchSlot::conv_columns, parts, columns + s.out_size * s.chunk);
    parallel_ranges(batch, parts, [&](std::size_t begin, std::size_t end, std::size_t part) {
        const auto target = sums.target(part);
        T* dw = target.dweight;
        T* db = target.dbias;
        T* col = buffers[part];
        T* work = col + columns;
        for (std::size_t n0 = begin; n0 < end; n0 += s.chunk) {
            const std::size_t nb = std::min(s.chunk, end - n0), cols = nb * s.plane;
            const T* dy_cm = dy + n0 * s.out_size;
            if (nb > 1) {
                transpose_blocks<T>(dy_cm, work, nb, cout, s.plane, nullptr);
                dy_cm = work;
            }
            im2col(x + n0 * s.in_size, col, nb, g);
            // dweight (Cout, C*K*K) += dy (Cout, nb*Ho*Wo) col^T
            gemm_serial<T>(false, true, cout, s.fan_in, cols, T(1), dy_cm, cols, col, cols, T(1), dw, s.fan_in);
            if (db)
                for (std::size_t c = 0; c < cout; ++c) db[c] += sum(dy_cm + c * cols, cols);
        }
    });
    sums.add_parts();
}

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
    return {g.channels, g.height + 2 * g.padding, g.width + 2 * g.padding, g.kernel, g.stride,
            g.out_height(),  g.out_width(),          cout};
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
    if (const ChannelTiling t = (g.stride <= 2 ? channel_tiling(cout, g.out_width()) : ChannelTiling{}); t.r) {
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
                    copy_row(dyp + o * dy_plane + (margin + oh) * (wo + 2 * margin) + margin, d + (o * ho + oh) * wo, wo);
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
                    for (std::size_t o = 0; o < cout; ++o) db[o] += sum(dy + n * s.out_size + o * s.plane, s.plane);
        });
        sums.add_parts();
        return true;
    }
    return false;
}

}  // namespace detail

// y = conv(x, weight) + bias (bias may be null).
template <class T>
void conv2d(const T* x, const T* weight, const T* bias, T* y, std::size_t batch, std::size_t cout,
            const ConvGeometry& g) {
    if constexpr (std::is_same_v<T, float>)
        if (detail::direct_conv2d(x, weight, bias, y, batch, cout, g)) return;
    detail::im2col_conv2d(x, weight, bias, y, batch, cout, g);
}

// dx = the adjoint of conv2d in x, applied to dy (overwrites dx).
template <class T>
void conv2d_backward_data(const T* dy, const T* weight, T* dx, std::size_t batch, std::size_t cout,
                          const ConvGeometry& g) {
    if constexpr (std::is_same_v<T, float>)
        if (detail::direct_conv2d_backward_data(dy, weight, dx, batch, cout, g)) return;
    im2col_conv2d_backward_data(dy, weight, dx, batch, cout, g);
}

// dweight += the gradient of conv2d in weight for dy; dbias (if given) += dy summed per channel.
template <class T>
void conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch, std::size_t cout,
                            const ConvGeometry& g) {
    if constexpr (std::is_same_v<T, float>)
        if (detail::direct_conv2d_backward_weight(x, dy, dweight, dbias, batch, cout, g)) return;
    detail::im2col_conv2d_backward_weight(x, dy, dweight, dbias, batch, cout, g);
}

}  // namespace ctnn::cpu
