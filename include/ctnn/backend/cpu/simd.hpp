// The CPU backend's float vector: the widest the compiler targets (AVX-512: 16 lanes, AVX2 +
// FMA: 8, otherwise 4 lanes of GCC/Clang vector extensions). Loads and stores are unaligned;
// the partial forms touch only the first n < width lanes (masked on AVX-512 and AVX2), so a
// row's tail never reads or writes past its end. Used by the hand-written kernels (gemm.hpp,
// conv.hpp); element-wise bodies stay plain loops the compiler vectorizes.
#pragma once

#include <cstddef>
#include <cstring>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace ctnn::cpu::simd {

#if defined(__AVX512F__)

inline constexpr std::size_t width = 16;
inline constexpr std::size_t registers = 32;
using vec = __m512;
inline vec zero() {
    return _mm512_setzero_ps();
}
inline vec broadcast(float x) {
    return _mm512_set1_ps(x);
}
inline vec load(const float* p) {
    return _mm512_loadu_ps(p);
}
inline void store(float* p, vec v) {
    _mm512_storeu_ps(p, v);
}
inline __mmask16 lanes(std::size_t n) {
    return static_cast<__mmask16>((1u << n) - 1u);
}
inline vec load_partial(const float* p, std::size_t n) {
    return _mm512_maskz_loadu_ps(lanes(n), p);
}
inline void store_partial(float* p, vec v, std::size_t n) {
    _mm512_mask_storeu_ps(p, lanes(n), v);
}
// Lanes [first, first + n) from p[first, first + n), zero elsewhere; p[lane] for other lanes
// is not read (p itself may point before the data).
inline vec load_lanes(const float* p, std::size_t first, std::size_t n) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>(lanes(n) << first), p);
}
inline vec fma(vec a, vec b, vec c) {
    return _mm512_fmadd_ps(a, b, c);
}
inline vec add(vec a, vec b) {
    return _mm512_add_ps(a, b);
}
inline vec mul(vec a, vec b) {
    return _mm512_mul_ps(a, b);
}
// The zero-masked forms of the shuffles: GCC 12 warns (-Wuninitialized) inside the plain ones
// and inside _mm512_reduce_add_ps, which start from _mm512_undefined_ps().
inline float sum(vec v) {
    constexpr __mmask16 all = 0xFFFF;
    v = _mm512_add_ps(v, _mm512_maskz_shuffle_f32x4(all, v, v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm512_add_ps(v, _mm512_maskz_shuffle_f32x4(all, v, v, _MM_SHUFFLE(2, 3, 0, 1)));
    v = _mm512_add_ps(v, _mm512_maskz_permute_ps(all, v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm512_add_ps(v, _mm512_maskz_permute_ps(all, v, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_cvtss_f32(v);
}

#elif defined(__AVX2__) && defined(__FMA__)

inline constexpr std::size_t width = 8;
inline constexpr std::size_t registers = 16;
using vec = __m256;
inline vec zero() {
    return _mm256_setzero_ps();
}
inline vec broadcast(float x) {
    return _mm256_set1_ps(x);
}
inline vec load(const float* p) {
    return _mm256_loadu_ps(p);
}
inline void store(float* p, vec v) {
    _mm256_storeu_ps(p, v);
}
inline __m256i lanes(std::size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline vec load_partial(const float* p, std::size_t n) {
    return _mm256_maskload_ps(p, lanes(n));
}
inline void store_partial(float* p, vec v, std::size_t n) {
    _mm256_maskstore_ps(p, lanes(n), v);
}
inline vec load_lanes(const float* p, std::size_t first, std::size_t n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask =
        _mm256_and_si256(_mm256_cmpgt_epi32(index, _mm256_set1_epi32(static_cast<int>(first) - 1)),
                         _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(first + n)), index));
    return _mm256_maskload_ps(p, mask);
}
inline vec fma(vec a, vec b, vec c) {
    return _mm256_fmadd_ps(a, b, c);
}
inline vec add(vec a, vec b) {
    return _mm256_add_ps(a, b);
}
inline vec mul(vec a, vec b) {
    return _mm256_mul_ps(a, b);
}
inline float sum(vec v) {
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 0x55)));
}

#else

inline constexpr std::size_t width = 4;
inline constexpr std::size_t registers = 16;
typedef float vec __attribute__((vector_size(16)));
inline vec zero() {
    return vec{0, 0, 0, 0};
}
inline vec broadcast(float x) {
    return vec{x, x, x, x};
}
inline vec load(const float* p) {
    vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float* p, vec v) {
    std::memcpy(p, &v, sizeof v);
}
inline vec load_partial(const float* p, std::size_t n) {
    vec v = zero();
    for (std::size_t i = 0; i < n; ++i) v[i] = p[i];
    return v;
}
inline void store_partial(float* p, vec v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) p[i] = v[i];
}
inline vec load_lanes(const float* p, std::size_t first, std::size_t n) {
    vec v = zero();
    for (std::size_t i = first; i < first + n; ++i) v[i] = p[i];
    return v;
}
inline vec fma(vec a, vec b, vec c) {
    return a * b + c;
}
inline vec add(vec a, vec b) {
    return a + b;
}
inline vec mul(vec a, vec b) {
    return a * b;
}
inline float sum(vec v) {
    return (v[0] + v[1]) + (v[2] + v[3]);
}

#endif

// n values (n <= width) from p: a full load when n == width.
inline vec load_n(const float* p, std::size_t n) {
    return n == width ? load(p) : load_partial(p, n);
}
inline void store_n(float* p, vec v, std::size_t n) {
    if (n == width)
        store(p, v);
    else
        store_partial(p, v, n);
}

}  // namespace ctnn::cpu::simd
