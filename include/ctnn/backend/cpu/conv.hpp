// CPU convolution ops (cpu::Blas's conv2d, conv2d_backward_data, conv2d_backward_weight):
// x (N, C, H, W) under ConvGeometry g, weight (Cout, C, K, K), y (N, Cout, Ho, Wo).
// Each op walks the batch in chunks of about `chunk_columns` GEMM columns: im2col of a chunk
// into per-thread scratch (it stays in cache for the GEMM that reads it), one GEMM, a permute to
// NCHW; chunks are split over the thread pool, and the weight gradient is summed per part then
// reduced (deterministic for a given thread count). A convolution whose kernel covers its whole
// unpadded input (LeNet-5's Conv<120, 5> on 5x5) is a dense layer: one GEMM over the batch.
// For float, each op first tries the direct kernels (cpu/direct_conv_ops.hpp), which fit most
// small-channel shapes; the shared pieces (sizes, parts, scratch) are in cpu/conv_parts.hpp.
// N batch, C channels, H height, W width
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "ctnn/backend/cpu/conv_parts.hpp"
#include "ctnn/backend/cpu/direct_conv_ops.hpp"
#include "ctnn/backend/cpu/gemm.hpp"
#include "ctnn/backend/cpu/im2col.hpp"
#include "ctnn/backend/cpu/scratch.hpp"
#include "ctnn/backend/cpu/simd.hpp"
#include "ctnn/backend/cpu/thread_pool.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cpu {

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
template <class T>
void im2col_conv2d_backward_data(const T* dy, const T* weight, T* dx, std::size_t batch, std::size_t cout,
                                 const ConvGeometry& g) {
    const detail::ConvSizes s(g, cout);
    if (s.dense) {  // dx (N, C*K*K) = dy (N, Cout) weight
        cpu::gemm<T>(false, false, batch, s.fan_in, cout, T(1), dy, cout, weight, s.fan_in, T(0), dx,
                     s.fan_in);
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
            gemm_serial<T>(true, false, s.fan_in, cols, cout, T(1), weight, s.fan_in, dy_cm, cols, T(0), dcol,
                           cols);
            col2im(dcol, dx + n0 * s.in_size, nb, g);
        }
    });
}

namespace detail {

// dweight += the gradient of conv2d in weight for dy; dbias (if given) += dy summed per channel;
// by chunked im2col + GEMM.
template <class T>
void im2col_conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch,
                                   std::size_t cout, const ConvGeometry& g) {
    const ConvSizes s(g, cout);
    if (s.dense) {  // dweight (Cout, C*K*K) += dy^T (Cout, N) x (N, C*K*K)
        cpu::gemm<T>(true, false, cout, s.fan_in, batch, T(1), dy, cout, x, s.fan_in, T(1), dweight,
                     s.fan_in);
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
            gemm_serial<T>(false, true, cout, s.fan_in, cols, T(1), dy_cm, cols, col, cols, T(1), dw,
                           s.fan_in);
            if (db)
                for (std::size_t c = 0; c < cout; ++c) db[c] += sum(dy_cm + c * cols, cols);
        }
    });
    sums.add_parts();
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
void conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch,
                            std::size_t cout, const ConvGeometry& g) {
    if constexpr (std::is_same_v<T, float>)
        if (detail::direct_conv2d_backward_weight(x, dy, dweight, dbias, batch, cout, g)) return;
    detail::im2col_conv2d_backward_weight(x, dy, dweight, dbias, batch, cout, g);
}

}  // namespace ctnn::cpu
