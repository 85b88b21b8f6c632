// Shared pieces of the CPU convolution ops (cpu/conv.hpp and cpu/direct_conv_ops.hpp): a
// convolution's sizes, how the batch is split into parts over the thread pool, per-part scratch,
// per-part weight-gradient sums, and the block transpose and lane sums the ops use.
// N batch, C channels, H height, W width
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

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
void transpose_blocks(const T* x, T* y, std::size_t rows, std::size_t cols, std::size_t block,
                      const T* bias) {
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
// thread's scratch before the parts start, one buffer sized once for the whole op.
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

}  // namespace ctnn::cpu
