// Im2colConv<B>: the three convolution ops of the Backend concept (conv2d, conv2d_backward_data,
// conv2d_backward_weight) written once in terms of B's other ops (im2col, gemm, col2im,
// transpose_blocks, add_channel_bias, sum_channels), for a backend that has no convolution
// kernels of its own: `static void conv2d(...) { Im2colConv<MyBackend>::conv2d(...); }`.
// Chunks of samples go through a Workspace of B buffers, owned by the caller (each convolution
// layer of a model holds one), that grows to the largest chunk asked for and is then reused (a
// steady state allocates nothing).
// x (N, C, H, W) under ConvGeometry g, weight (Cout, C, K, K), y (N, Cout, Ho, Wo).
#pragma once

#include <algorithm>
#include <cstddef>

#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

template <class B>
struct Im2colConv {
    using T = typename B::value_type;

    // The columns of a chunk (im2col) and its channel-major outputs, grown on demand.
    class Workspace {
      public:
        // Buffer `which` (0: columns, 1: channel-major outputs) of at least n values.
        T* get(std::size_t which, std::size_t n) {
            if (m_sizes[which] < n) {
                m_buffers[which] = B::template allocate<T>(n);
                m_sizes[which] = n;
            }
            return m_buffers[which].data();
        }

      private:
        typename B::template buffer<T> m_buffers[2];
        std::size_t m_sizes[2] = {0, 0};
    };
    using ConvWorkspace = Workspace;  // the name a backend's ops take it by

    // y = conv(x, weight) + bias (bias may be null).
    static void conv2d(const T* x, const T* weight, const T* bias, T* y, std::size_t batch, std::size_t cout,
                       const ConvGeometry& g, Workspace& workspace) {
        const Sizes s(g, cout);
        for (std::size_t n0 = 0; n0 < batch; n0 += s.chunk) {
            const std::size_t nb = std::min(s.chunk, batch - n0), cols = nb * s.plane;
            T* col = workspace.get(0, s.fan_in * cols);
            T* out = y + n0 * s.out_size;
            B::im2col(x + n0 * s.in_size, col, nb, g);
            T* y_cm = nb == 1 ? out : workspace.get(1, s.out_size * nb);
            B::gemm(false, false, cout, cols, s.fan_in, T(1), weight, s.fan_in, col, cols, T(0), y_cm, cols);
            if (nb > 1) B::transpose_blocks(y_cm, out, cout, nb, s.plane);
            if (bias) B::add_channel_bias(out, bias, nb, cout, s.plane);
        }
    }

    // dx = the adjoint of conv2d in x, applied to dy (overwrites dx).
    static void conv2d_backward_data(const T* dy, const T* weight, T* dx, std::size_t batch, std::size_t cout,
                                     const ConvGeometry& g, Workspace& workspace) {
        const Sizes s(g, cout);
        for (std::size_t n0 = 0; n0 < batch; n0 += s.chunk) {
            const std::size_t nb = std::min(s.chunk, batch - n0), cols = nb * s.plane;
            const T* dy_cm = channel_major(dy + n0 * s.out_size, nb, cout, s, workspace);
            T* dcol = workspace.get(0, s.fan_in * cols);
            B::gemm(true, false, s.fan_in, cols, cout, T(1), weight, s.fan_in, dy_cm, cols, T(0), dcol, cols);
            B::col2im(dcol, dx + n0 * s.in_size, nb, g);
        }
    }

    // dweight += the gradient of conv2d in weight for dy; dbias (if given) += dy summed per channel.
    static void conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch,
                                       std::size_t cout, const ConvGeometry& g, Workspace& workspace) {
        const Sizes s(g, cout);
        if (dbias) B::sum_channels(dy, dbias, batch, cout, s.plane);
        for (std::size_t n0 = 0; n0 < batch; n0 += s.chunk) {
            const std::size_t nb = std::min(s.chunk, batch - n0), cols = nb * s.plane;
            const T* dy_cm = channel_major(dy + n0 * s.out_size, nb, cout, s, workspace);
            T* col = workspace.get(0, s.fan_in * cols);
            B::im2col(x + n0 * s.in_size, col, nb, g);
            B::gemm(false, true, cout, s.fan_in, cols, T(1), dy_cm, cols, col, cols, T(1), dweight, s.fan_in);
        }
    }

  private:
    struct Sizes {
        std::size_t fan_in, plane, in_size, out_size, chunk;
        Sizes(const ConvGeometry& g, std::size_t cout)
            : fan_in(g.col_rows()),
              plane(g.out_height() * g.out_width()),
              in_size(g.image_size()),
              out_size(cout * plane),
              chunk(std::max<std::size_t>(1, 256 / std::max<std::size_t>(plane, 1))) {}
    };

    // nb samples of dy (nb, Cout, P) as the matrix (Cout, nb*P).
    static const T* channel_major(const T* dy, std::size_t nb, std::size_t cout, const Sizes& s,
                                  Workspace& workspace) {
        if (nb == 1) return dy;
        T* dy_cm = workspace.get(1, s.out_size * nb);
        B::transpose_blocks(dy, dy_cm, nb, cout, s.plane);
        return dy_cm;
    }
};

}  // namespace ctnn
