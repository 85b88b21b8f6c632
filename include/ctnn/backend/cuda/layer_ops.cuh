// cuda::LayerOps<Self>: the layer ops on the GPU: the shared ones of backend/layer_ops.hpp
// (activations, dropout masks, BatchNorm's eval statistics: per-element or per-channel bodies
// already), and GPU-shaped ones that hide the rest, whose CPU shape (one body per row, channel
// or group) would starve a GPU: pooling and padding with one thread per output or input element,
// softmax with a warp per row, BatchNorm moments and backward sums with a block per channel,
// MinibatchStddev with a block per group (backend/cuda/layer_kernels.cuh), and their element-wise
// passes one thread per element. Bodies: backend/layer_bodies.hpp. All on cuda::stream().
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctnn/backend/cuda/device.cuh"
#include "ctnn/backend/cuda/layer_kernels.cuh"
#include "ctnn/backend/layer_bodies.hpp"
#include "ctnn/backend/layer_ops.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::cuda {

template <class Self>
struct LayerOps : ctnn::LayerOps<Self, float> {
    using T = float;

    // ------------------------------------------------------------ pooling: a thread per element
    template <PoolGeometry G>
    static void avg_pool_forward(const T* in, T* out, std::size_t batch) {
        Self::for_each(batch * G.channels * G.out_height() * G.out_width(),
                       bodies::AvgPoolForwardElement<T, G>{in, out});
    }
    template <PoolGeometry G>
    static void avg_pool_backward(const T* dout, T* dinp, std::size_t batch) {
        Self::for_each(batch * G.channels * G.height * G.width,
                       bodies::AvgPoolBackwardElement<T, G>{dout, dinp});
    }
    template <PoolGeometry G>
    static void max_pool_forward(const T* in, T* out, std::uint32_t* argmax, std::size_t batch) {
        Self::for_each(batch * G.channels * G.out_height() * G.out_width(),
                       bodies::MaxPoolForwardElement<T, G>{in, out, argmax});
    }
    template <PoolGeometry G>
    static void max_pool_backward(const T* dout, const std::uint32_t* argmax, T* dinp, std::size_t batch) {
        Self::for_each(batch * G.channels * G.height * G.width,
                       bodies::MaxPoolBackwardElement<T, G>{dout, argmax, dinp});
    }

    // ------------------------------------------------------------ softmax: a warp per row
    static void softmax_rows(const T* in, T* out, std::size_t rows, std::size_t cols) {
        detail::launch_softmax_rows(stream(), in, out, rows, cols);
    }
    static void softmax_rows_backward(const T* out, const T* dout, T* dinp, std::size_t rows,
                                      std::size_t cols) {
        detail::launch_softmax_rows_backward(stream(), out, dout, dinp, rows, cols);
    }

    // ------------------------------------------------------------ BatchNorm: a block per channel
    template <BatchNormGeometry G>
    static void batch_norm_moments(const T* in, std::size_t batch, const T* gamma, T* running_mean,
                                   T* running_var, T* stats, double momentum, double eps) {
        detail::launch_batch_norm_moments<T, G>(stream(), in, batch, gamma, running_mean, running_var, stats,
                                                momentum, eps);
    }
    template <BatchNormGeometry G>
    static void batch_norm_normalize(const T* in, T* out, std::size_t batch, const T* stats, const T* beta) {
        Self::for_each(batch * G.channels * G.spatial,
                       bodies::BatchNormNormalizeElement<T, G>{in, out, stats, beta});
    }
    template <BatchNormGeometry G>
    static void batch_norm_backward(const T* in, const T* dout, T* dinp, std::size_t batch, T* stats,
                                    T* dgamma, T* dbeta, Mode mode) {
        detail::launch_batch_norm_backward_sums<T, G>(stream(), in, dout, batch, stats, dgamma, dbeta);
        if (!dinp) return;
        const std::size_t n = batch * G.channels * G.spatial;
        if (mode == Mode::train)
            Self::for_each(n, bodies::BatchNormBackwardElement<T, G>{in, dout, dinp, stats});
        else
            Self::for_each(n, bodies::BatchNormBackwardEvalElement<T, G>{dout, dinp, stats});
    }

    // ------------------------------------------------------------ padding: a thread per element
    template <PadGeometry G>
    static void pad2d(const T* in, T* out, std::size_t batch) {
        Self::for_each(batch * G.channels * G.out_height() * G.out_width(),
                       bodies::PadElement<T, G>{in, out});
    }
    template <PadGeometry G>
    static void unpad2d(const T* dout, T* dinp, std::size_t batch) {
        Self::for_each(batch * G.channels * G.height * G.width, bodies::UnpadElement<T, G>{dout, dinp});
    }

    // ------------------------------------------------------------ MinibatchStddev: a block per group
    template <MinibatchStddevGeometry G>
    static void minibatch_stddev_forward(const T* in, T* out, std::size_t batch, double eps) {
        Self::for_each(batch * G.features, bodies::MinibatchStddevCopyElement<T, G>{in, out});
        detail::launch_minibatch_stddev_group<T, G>(stream(), in, out, batch, eps);
    }
    template <MinibatchStddevGeometry G>
    static void minibatch_stddev_backward(const T* in, const T* dout, T* dinp, std::size_t batch,
                                          double eps) {
        detail::launch_minibatch_stddev_backward<T, G>(stream(), in, dout, dinp, batch, eps);
    }
};

}  // namespace ctnn::cuda
