// cuda::TrainOps<Self>: the training ops on the GPU: the shared ones of backend/train_ops.hpp
// (optimizer steps, noise, moving average, sigmoid, fills: one body per element), and the loss
// values and sums reduced on the device in blocks (backend/cuda/train_kernels.cuh) into a device
// scalar, kept there until a caller asks for the value (no host sync inside these ops).
// Scratch: sum_blocks partial sums per reduction, whatever n is.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "ctnn/backend/cuda/device.cuh"
#include "ctnn/backend/cuda/error.hpp"
#include "ctnn/backend/cuda/kernels.cuh"
#include "ctnn/backend/cuda/train_kernels.cuh"
#include "ctnn/backend/train_ops.hpp"

namespace ctnn::cuda {

template <class Self>
struct TrainOps : ctnn::TrainOps<Self, float> {
    using T = float;

    static std::size_t loss_scratch(std::size_t) { return detail::sum_blocks; }
    static std::size_t sum_scratch(std::size_t) { return detail::sum_blocks; }

    static void reduce_sum(const T* x, std::size_t n, T* scratch, T* sum) {
        if (n == 0) {
            CTNN_CUDA_CHECK(cudaMemsetAsync(sum, 0, sizeof(T), stream()));
            return;
        }
        detail::launch_sum(stream(), x, n, scratch, sum);
    }

    static void softmax_cross_entropy(const T* logits, const std::int32_t* labels, T* dlogits,
                                      std::size_t batch, std::size_t classes, T scale, T* scratch, T* sum) {
        detail::launch_loss_sum(
            stream(), batch,
            ctnn::bodies::SoftmaxCrossEntropyRow<T>{logits, labels, dlogits, nullptr, classes, scale},
            scratch, sum);
    }
    static void count_correct(const T* scores, const std::int32_t* labels, std::size_t batch,
                              std::size_t classes, T* scratch, T* sum) {
        detail::launch_loss_sum(stream(), batch,
                                ctnn::bodies::CorrectRow<T>{scores, labels, nullptr, classes}, scratch, sum);
    }
    static void bce(const T* p, const float* targets, T* dp, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ctnn::ops::BinaryCrossEntropy>(p, targets, dp, n, scale, scratch, sum);
    }
    static void bce_with_logits(const T* x, const float* targets, T* dx, std::size_t n, T scale, T* scratch,
                                T* sum) {
        elementwise_loss<ctnn::ops::BinaryCrossEntropyWithLogits>(x, targets, dx, n, scale, scratch, sum);
    }
    static void mse(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ctnn::ops::SquaredError>(y, targets, dy, n, scale, scratch, sum);
    }
    static void l1(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ctnn::ops::AbsoluteError>(y, targets, dy, n, scale, scratch, sum);
    }
    template <float Delta>
    static void huber(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ctnn::ops::Huber<Delta>>(y, targets, dy, n, scale, scratch, sum);
    }
    static void hinge(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        elementwise_loss<ctnn::ops::Hinge>(y, targets, dy, n, scale, scratch, sum);
    }
    static void wasserstein(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch,
                            T* sum) {
        elementwise_loss<ctnn::ops::Wasserstein>(y, targets, dy, n, scale, scratch, sum);
    }

    static void gradient_penalty(const T* norms, std::size_t rows, T lambda, T h, T* dplus, T* dminus,
                                 T* scratch, T* sum) {
        const T scale = rows ? lambda / static_cast<T>(rows) : T(0);
        detail::launch_loss_sum(stream(), rows,
                                ctnn::bodies::GradientPenaltyRow<T>{norms, dplus, dminus, nullptr, scale, h},
                                scratch, sum);
    }

  private:
    template <class Op>
    static void elementwise_loss(const T* y, const float* targets, T* dy, std::size_t n, T scale, T* scratch,
                                 T* sum) {
        detail::launch_loss_sum(
            stream(), n, ctnn::bodies::ElementwiseLoss<T, Op>{y, targets, dy, nullptr, scale}, scratch, sum);
    }
};

}  // namespace ctnn::cuda
