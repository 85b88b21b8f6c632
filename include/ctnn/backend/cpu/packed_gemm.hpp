// cpu::packed_sgemm: ctnn's cache-blocked float GEMM for the larger products, in the
// Goto/BLIS layout. Row-major C[m x n] = alpha op(A)[m x k] op(B)[k x n] + beta C.
//   for each NC columns of C, for each KC of k:
//     pack op(B)[KC x NC] into panels of NR columns (p-major: panel[p * NR + j]);
//     for each MC rows: pack op(A)[MC x KC] into panels of MR rows (panel[p * MR + i]);
//       for each panel pair: an MR x NR register tile (MR rows x NV vectors of simd::vec)
//       accumulated over KC, then C = alpha * tile + beta * C on the first KC block and
//       C += alpha * tile on the others.
// Packing absorbs the transposes, so all four cases share one micro-kernel. The panels live
// in the calling thread's scratch (ScratchSlot::gemm_pack); packing pads the last B panel's
// columns with zeros, and edge tiles (fewer rows or vectors) are separate instantiations whose
// last vector is stored with a lane mask: nothing is read or written outside A, B and C.
// With beta = 0, C is not read (NaN in C does not propagate).
#pragma once

#include <algorithm>
#include <cstddef>

#include "ctnn/backend/cpu/scratch.hpp"
#include "ctnn/backend/cpu/simd.hpp"

namespace ctnn::cpu {

namespace detail::packed {

using simd::vec;
inline constexpr std::size_t W = simd::width;
// Register tile: MR * NV accumulators + NV vectors of B + one broadcast (AVX-512: 24 + 3 + 1 of
// 32 registers; AVX2: 12 + 2 + 1 of 16). On the EPYC of the README's tables 8 x 3 measured
// within 5% of 6 x 4 (and fits batch 64 in whole tiles); 12 x 2 and 14 x 2 ran 30% slower,
// 4 x 6 60% slower. The AVX2 tile is tested, not tuned (no AVX2-only machine was measured).
inline constexpr std::size_t MR = simd::registers >= 32 ? 8 : 6;
inline constexpr std::size_t NV = simd::registers >= 32 ? 3 : 2;
inline constexpr std::size_t NR = NV * W;
// Cache blocks: a B panel (KC x NR) stays in L1/L2 while the A block (MC x KC) streams from L2;
// the B block (KC x NC) fits in L2/L3. KC from 128 to 384 and MC from 48 to 192 (tried with
// the 6 x 4 tile) measured within the noise of one another.
inline constexpr std::size_t KC = 256;
inline constexpr std::size_t MC = MR * 16;
inline constexpr std::size_t NC = NR * 64;

// Rows x vectors tile: C[R x cols] (+)= alpha * A panel (kc x MR) * B panel (kc x NR).
// first: C = alpha * acc + beta * C (C not read when beta == 0); else C += alpha * acc.
template <std::size_t R, std::size_t V>
inline void micro_kernel(std::size_t kc, const float* __restrict ap, const float* __restrict bp, float* c,
                         std::size_t ldc, std::size_t cols, float alpha, float beta, bool first) {
    vec acc[R][V];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) acc[i][v] = simd::zero();
#pragma GCC unroll 2
    for (std::size_t p = 0; p < kc; ++p) {
        vec bv[V];
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) bv[v] = simd::load(bp + p * NR + v * W);
#pragma GCC unroll 8
        for (std::size_t i = 0; i < R; ++i) {
            const vec av = simd::broadcast(ap[p * MR + i]);
#pragma GCC unroll 4
            for (std::size_t v = 0; v < V; ++v) acc[i][v] = simd::fma(av, bv[v], acc[i][v]);
        }
    }
    const vec va = simd::broadcast(alpha);
    const float b = first ? beta : 1.0f;
    const vec vb = simd::broadcast(b);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) {
            float* out = c + i * ldc + v * W;
            const std::size_t lanes = std::min(W, cols - v * W);
            vec r = simd::mul(acc[i][v], va);
            if (b != 0.0f) r = simd::fma(vb, simd::load_n(out, lanes), r);
            simd::store_n(out, r, lanes);
        }
}

// The tile of `rows` (<= R) rows x `vectors` (<= V) vectors: one instantiation per shape.
template <std::size_t R, std::size_t V = NV>
inline void micro_tile(std::size_t rows, std::size_t vectors, std::size_t kc, const float* ap,
                       const float* bp, float* c, std::size_t ldc, std::size_t cols, float alpha, float beta,
                       bool first) {
    if constexpr (R > 1)
        if (rows < R)
            return micro_tile<R - 1, V>(rows, vectors, kc, ap, bp, c, ldc, cols, alpha, beta, first);
    if constexpr (V > 1)
        if (vectors < V)
            return micro_tile<R, V - 1>(rows, vectors, kc, ap, bp, c, ldc, cols, alpha, beta, first);
    micro_kernel<R, V>(kc, ap, bp, c, ldc, cols, alpha, beta, first);
}

// op(A)[i0 .. i0 + mc) x [p0 .. p0 + kc) into panels of MR rows: dst[panel][p * MR + i].
// Rows past mc in the last panel are left unset (the edge kernels do not read them).
inline void pack_a(bool transpose, const float* a, std::size_t lda, std::size_t i0, std::size_t mc,
                   std::size_t p0, std::size_t kc, float* __restrict dst) {
    for (std::size_t ir = 0; ir < mc; ir += MR, dst += MR * kc) {
        const std::size_t rows = std::min(MR, mc - ir);
        if (!transpose) {  // A m x k: row i is contiguous in p
            const float* src = a + (i0 + ir) * lda + p0;
            if (rows == MR) {
                for (std::size_t p = 0; p < kc; ++p)
#pragma GCC unroll 8
                    for (std::size_t i = 0; i < MR; ++i) dst[p * MR + i] = src[i * lda + p];
            } else {
                for (std::size_t i = 0; i < rows; ++i)
                    for (std::size_t p = 0; p < kc; ++p) dst[p * MR + i] = src[i * lda + p];
            }
        } else {  // A k x m: column i of op(A) is contiguous in i
            const float* src = a + p0 * lda + i0 + ir;
            for (std::size_t p = 0; p < kc; ++p)
                for (std::size_t i = 0; i < rows; ++i) dst[p * MR + i] = src[p * lda + i];
        }
    }
}

#if defined(__AVX512F__)
// dst[p * lddst + j] = src[j * ldsrc + p] for a 16 x 16 block, in registers (unpack within
// 128-bit lanes, then exchange the lanes).
inline void transpose16(const float* src, std::size_t ldsrc, float* dst, std::size_t lddst) {
    constexpr __mmask16 all = 0xFFFF;  // the zero-masked forms: GCC 12 warns inside the plain ones
    __m512 r[16], t[16];
#pragma GCC unroll 16
    for (std::size_t i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * ldsrc);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 16; i += 2) {
        t[i] = _mm512_maskz_unpacklo_ps(all, r[i], r[i + 1]);
        t[i + 1] = _mm512_maskz_unpackhi_ps(all, r[i], r[i + 1]);
    }
#pragma GCC unroll 4
    for (std::size_t g = 0; g < 16; g += 4) {
        const __m512d t0 = _mm512_castps_pd(t[g]), t1 = _mm512_castps_pd(t[g + 1]);
        const __m512d t2 = _mm512_castps_pd(t[g + 2]), t3 = _mm512_castps_pd(t[g + 3]);
        r[g] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xFF, t0, t2));
        r[g + 1] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xFF, t0, t2));
        r[g + 2] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xFF, t1, t3));
        r[g + 3] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xFF, t1, t3));
    }
    // r[4g + q], 128-bit lane L: column 4L + q of rows 4g .. 4g + 3.
#pragma GCC unroll 4
    for (std::size_t q = 0; q < 4; ++q) {
        const __m512 v0 = _mm512_maskz_shuffle_f32x4(all, r[q], r[4 + q], 0x88);
        const __m512 v1 = _mm512_maskz_shuffle_f32x4(all, r[q], r[4 + q], 0xDD);
        const __m512 w0 = _mm512_maskz_shuffle_f32x4(all, r[8 + q], r[12 + q], 0x88);
        const __m512 w1 = _mm512_maskz_shuffle_f32x4(all, r[8 + q], r[12 + q], 0xDD);
        _mm512_storeu_ps(dst + q * lddst, _mm512_maskz_shuffle_f32x4(all, v0, w0, 0x88));
        _mm512_storeu_ps(dst + (4 + q) * lddst, _mm512_maskz_shuffle_f32x4(all, v1, w1, 0x88));
        _mm512_storeu_ps(dst + (8 + q) * lddst, _mm512_maskz_shuffle_f32x4(all, v0, w0, 0xDD));
        _mm512_storeu_ps(dst + (12 + q) * lddst, _mm512_maskz_shuffle_f32x4(all, v1, w1, 0xDD));
    }
}
#endif

// op(B)[p0 .. p0 + kc) x [j0 .. j0 + nc) into panels of NR columns: dst[panel][p * NR + j],
// the last panel's columns past nc zero.
inline void pack_b(bool transpose, const float* b, std::size_t ldb, std::size_t j0, std::size_t nc,
                   std::size_t p0, std::size_t kc, float* __restrict dst) {
    for (std::size_t jr = 0; jr < nc; jr += NR, dst += NR * kc) {
        const std::size_t cols = std::min(NR, nc - jr);
        if (!transpose) {  // B k x n: row p is contiguous in j
            const float* src = b + p0 * ldb + j0 + jr;
            for (std::size_t p = 0; p < kc; ++p)
#pragma GCC unroll 4
                for (std::size_t v = 0; v < NV; ++v) {
                    const std::size_t lanes = cols > v * W ? std::min(W, cols - v * W) : 0;
                    simd::store(dst + p * NR + v * W,
                                lanes == W ? simd::load(src + p * ldb + v * W)
                                           : (lanes ? simd::load_partial(src + p * ldb + v * W, lanes)
                                                    : simd::zero()));
                }
        } else {  // B n x k: column j of op(B) is row j of B, contiguous in p
            const float* src = b + (j0 + jr) * ldb + p0;
            if (cols < NR)
                for (std::size_t p = 0; p < kc; ++p)
                    for (std::size_t j = cols; j < NR; ++j) dst[p * NR + j] = 0.0f;
            std::size_t j = 0;
#if defined(__AVX512F__)
            const std::size_t p16 = kc / 16 * 16;
            for (; j + 16 <= cols; j += 16) {
                for (std::size_t p = 0; p < p16; p += 16)
                    transpose16(src + j * ldb + p, ldb, dst + p * NR + j, NR);
                for (std::size_t jj = j; jj < j + 16; ++jj)
                    for (std::size_t p = p16; p < kc; ++p) dst[p * NR + jj] = src[jj * ldb + p];
            }
#endif
            constexpr std::size_t block = 8;
            for (std::size_t p1 = 0; p1 < kc; p1 += block) {
                const std::size_t pend = std::min(kc, p1 + block);
                for (std::size_t jj = j; jj < cols; ++jj)
                    for (std::size_t p = p1; p < pend; ++p) dst[p * NR + jj] = src[jj * ldb + p];
            }
        }
    }
}

inline std::size_t round_up(std::size_t x, std::size_t to) {
    return (x + to - 1) / to * to;
}

}  // namespace detail::packed

// Single-threaded C = alpha op(A) op(B) + beta C (row-major, any m, n, k), cache-blocked and
// packed; the scratch of the calling thread holds the panels (up to KC * (NC + MC) floats).
inline void packed_sgemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                         float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                         float beta, float* c, std::size_t ldc) {
    namespace g = detail::packed;
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == 0.0f) {
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        return;
    }
    const std::size_t nc_max = std::min(g::NC, g::round_up(n, g::NR)), kc_max = std::min(g::KC, k);
    // The whole block size whatever this product's shape: every part on every thread asks for the
    // same, so a steady state never grows a thread's buffer (its untouched pages cost nothing).
    float* const packed_b = scratch<float>(ScratchSlot::gemm_pack, g::KC * (g::NC + g::MC));
    float* const packed_a = packed_b + kc_max * nc_max;
    for (std::size_t jc = 0; jc < n; jc += g::NC) {
        const std::size_t nc = std::min(g::NC, n - jc);
        for (std::size_t pc = 0; pc < k; pc += g::KC) {
            const std::size_t kc = std::min(g::KC, k - pc);
            const bool first = pc == 0;
            g::pack_b(transpose_b, b, ldb, jc, nc, pc, kc, packed_b);
            for (std::size_t ic = 0; ic < m; ic += g::MC) {
                const std::size_t mc = std::min(g::MC, m - ic);
                g::pack_a(transpose_a, a, lda, ic, mc, pc, kc, packed_a);
                for (std::size_t jr = 0; jr < nc; jr += g::NR) {
                    const std::size_t cols = std::min(g::NR, nc - jr);
                    const float* bp = packed_b + jr * kc;
                    for (std::size_t ir = 0; ir < mc; ir += g::MR)
                        g::micro_tile<g::MR>(std::min(g::MR, mc - ir), (cols + g::W - 1) / g::W, kc,
                                             packed_a + ir * kc, bp, c + (ic + ir) * ldc + jc + jr, ldc, cols,
                                             alpha, beta, first);
                }
            }
        }
    }
}

}  // namespace ctnn::cpu
