// LayerOps<Self, T>: the layer ops (core/layer_ops.hpp) written once over Self::for_each and
// the per-element bodies of backend/layer_bodies.hpp; a backend derives from it (CRTP) and
// hides an op with its own where its hardware wants another shape (cuda: block reductions).
// Row bodies carry a work hint (for_each_weighted: the row's element operations), which
// cpu::Blas reads to decide whether to split the rows over its threads.
// N batch, C channels, H height, W width, S = H * W.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctnn/backend/layer_bodies.hpp"
#include "ctnn/core/concepts.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn {

template <class Self, class T>
struct LayerOps {
    // ------------------------------------------------------------ activations, dropout
    template <class Op>
    static void activation_forward(const T* in, T* out, std::size_t n) {
        Self::for_each(n, bodies::ActivationForward<T, Op>{in, out});
    }
    template <class Op>
    static void activation_backward(const T* in, const T* out, const T* dout, T* dinp, std::size_t n) {
        Self::for_each(n, bodies::ActivationBackward<T, Op>{in, out, dout, dinp});
    }

    static void dropout_mask(const T* x, T* y, std::size_t n, std::uint64_t key, std::uint64_t threshold,
                             T scale) {
        Self::for_each(n, bodies::DropoutMask<T>{x, y, key, threshold, scale});
    }

    // ------------------------------------------------------------ spectral normalization
    template <SpectralGeometry G>
    static void spectral_norm_forward(const T* w, T* u, T* v, T* w_sn, T* scalars, T* work, T* scratch,
                                      bool iterate, double eps) {
        const T e = static_cast<T>(eps);
        if (iterate) {
            Self::for_each(G.cols, bodies::SpectralMatTVec<T, G>{w, u, v});
            normalize(v, G.cols, scalars, work, scratch, e);
            Self::for_each(G.rows, bodies::SpectralMatVec<T, G>{w, v, u});
            normalize(u, G.rows, scalars + 1, work, scratch, e);
        }
        Self::for_each(G.rows, bodies::SpectralMatVec<T, G>{w, v, work});
        Self::for_each(G.rows, bodies::Product<T>{u, work, work});
        Self::reduce_sum(work, G.rows, scratch, scalars + 2);
        Self::for_each(G.size(), bodies::DivideByScalar<T>{w, scalars + 2, w_sn});
    }
    template <SpectralGeometry G>
    static void spectral_norm_backward(const T* w_sn, const T* g, const T* u, const T* v, T* scalars, T* work,
                                       T* scratch, T* dw) {
        Self::for_each(G.size(), bodies::Product<T>{g, w_sn, work});
        Self::reduce_sum(work, G.size(), scratch, scalars + 3);
        Self::for_each(G.size(), bodies::SpectralNormGradient<T, G>{g, u, v, scalars + 2, scalars + 3, dw});
    }

  private:
    static void normalize(T* x, std::size_t n, T* squared_norm, T* work, T* scratch, T eps) {
        Self::for_each(n, bodies::Product<T>{x, x, work});
        Self::reduce_sum(work, n, scratch, squared_norm);
        Self::for_each(n, bodies::DivideByNorm<T>{x, squared_norm, eps});
    }

  public:
    // ------------------------------------------------------------ pooling: one body per row
    template <PoolGeometry G>
    static void avg_pool_forward(const T* in, T* out, std::size_t batch) {
        for_each_weighted<Self>(batch * G.channels * G.out_height(), G.window * G.width,
                                bodies::AvgPoolForwardRow<T, G>{in, out});
    }
    template <PoolGeometry G>
    static void avg_pool_backward(const T* dout, T* dinp, std::size_t batch) {
        if constexpr (G.disjoint())
            for_each_weighted<Self>(batch * G.channels * G.out_height(), G.window * G.width,
                                    bodies::AvgPoolBackwardRow<T, G>{dout, dinp});
        else
            for_each_weighted<Self>(batch * G.channels * G.height, G.window * G.width,
                                    bodies::AvgPoolBackwardGatherRow<T, G>{dout, dinp});
    }
    template <PoolGeometry G>
    static void max_pool_forward(const T* in, T* out, std::uint32_t* argmax, std::size_t batch) {
        for_each_weighted<Self>(batch * G.channels * G.out_height(), G.window * G.width,
                                bodies::MaxPoolForwardRow<T, G>{in, out, argmax});
    }
    template <PoolGeometry G>
    static void max_pool_backward(const T* dout, const std::uint32_t* argmax, T* dinp, std::size_t batch) {
        if constexpr (G.disjoint())
            for_each_weighted<Self>(batch * G.channels * G.out_height(), G.window * G.width,
                                    bodies::MaxPoolBackwardRow<T, G>{dout, argmax, dinp});
        else
            for_each_weighted<Self>(batch * G.channels * G.height, G.window * G.width,
                                    bodies::MaxPoolBackwardGatherRow<T, G>{dout, argmax, dinp});
    }

    // ------------------------------------------------------------ softmax: one body per row
    static void softmax_rows(const T* in, T* out, std::size_t rows, std::size_t cols) {
        Self::for_each(rows, bodies::SoftmaxRow<T>{in, out, cols});
    }
    static void softmax_rows_backward(const T* out, const T* dout, T* dinp, std::size_t rows,
                                      std::size_t cols) {
        Self::for_each(rows, bodies::SoftmaxRowBackward<T>{out, dout, dinp, cols});
    }

    // ------------------------------------------------------------ BatchNorm: per channel, per row
    template <BatchNormGeometry G>
    static void batch_norm_moments(const T* in, std::size_t batch, const T* gamma, T* running_mean,
                                   T* running_var, T* stats, double momentum, double eps) {
        for_each_weighted<Self>(G.channels, 2 * batch * G.spatial,
                                bodies::BatchNormMomentsChannel<T, G>{in, batch, gamma, running_mean,
                                                                      running_var, stats, momentum, eps});
    }
    template <BatchNormGeometry G>
    static void batch_norm_running_stats(const T* gamma, const T* running_mean, const T* running_var,
                                         T* stats, double eps) {
        Self::for_each(G.channels,
                       bodies::BatchNormRunningStats<T, G>{gamma, running_mean, running_var, stats, eps});
    }
    template <BatchNormGeometry G>
    static void batch_norm_normalize(const T* in, T* out, std::size_t batch, const T* stats, const T* beta) {
        for_each_weighted<Self>(G.rows(batch), G.row_length(),
                                bodies::BatchNormNormalizeRow<T, G>{in, out, stats, beta});
    }
    template <BatchNormGeometry G>
    static void batch_norm_backward(const T* in, const T* dout, T* dinp, std::size_t batch, T* stats,
                                    T* dgamma, T* dbeta, Mode mode) {
        for_each_weighted<Self>(
            G.channels, 2 * batch * G.spatial,
            bodies::BatchNormBackwardSumsChannel<T, G>{in, dout, batch, stats, dgamma, dbeta});
        if (!dinp) return;
        if (mode == Mode::train)
            for_each_weighted<Self>(G.rows(batch), G.row_length(),
                                    bodies::BatchNormBackwardRow<T, G>{in, dout, dinp, stats});
        else
            for_each_weighted<Self>(G.rows(batch), G.row_length(),
                                    bodies::BatchNormBackwardEvalRow<T, G>{dout, dinp, stats});
    }

    static void add_to(const T* x, T* y, std::size_t n) { Self::for_each(n, bodies::AddTo<T>{x, y}); }

    // ------------------------------------------------------------ resampling
    static void global_avg_pool_forward(const T* in, T* out, std::size_t rows, std::size_t spatial) {
        for_each_weighted<Self>(rows, spatial, bodies::MeanRow<T>{in, out, spatial});
    }
    static void global_avg_pool_backward(const T* dout, T* dinp, std::size_t rows, std::size_t spatial) {
        Self::for_each(rows * spatial, bodies::SpreadMean<T>{dout, dinp, spatial});
    }
    template <UpsampleGeometry G>
    static void upsample_nearest(const T* in, T* out, std::size_t batch) {
        Self::for_each(batch * G.channels * G.out_height() * G.out_width(),
                       bodies::UpsampleElement<T, G>{in, out});
    }
    template <UpsampleGeometry G>
    static void upsample_nearest_backward(const T* dout, T* dinp, std::size_t batch) {
        Self::for_each(batch * G.channels * G.height * G.width,
                       bodies::UpsampleBackwardElement<T, G>{dout, dinp});
    }

    // ------------------------------------------------------------ group normalization
    template <GroupNormGeometry G>
    static void group_norm_forward(const T* in, T* out, std::size_t batch, const T* gamma, const T* beta,
                                   T* stats, double eps) {
        for_each_weighted<Self>(
            batch * G.groups, 3 * G.group_size(),
            bodies::GroupNormForward<T, G>{in, out, gamma, beta, stats, static_cast<T>(eps)});
    }
    template <GroupNormGeometry G>
    static void group_norm_backward(const T* in, const T* dout, T* dinp, std::size_t batch, const T* gamma,
                                    const T* stats, T* dgamma, T* dbeta) {
        for_each_weighted<Self>(G.affine_count(), batch * (G.per_element ? 1 : G.spatial),
                                bodies::GroupNormBackwardAffine<T, G>{in, dout, stats, dgamma, dbeta, batch});
        if (dinp)
            for_each_weighted<Self>(batch * G.groups, 2 * G.group_size(),
                                    bodies::GroupNormBackwardInput<T, G>{in, dout, dinp, gamma, stats});
    }

    // ------------------------------------------------------------ padding: one body per row
    template <PadGeometry G>
    static void pad2d(const T* in, T* out, std::size_t batch) {
        for_each_weighted<Self>(batch * G.channels * G.out_height(), G.out_width(),
                                bodies::PadRow<T, G>{in, out});
    }
    template <PadGeometry G>
    static void unpad2d(const T* dout, T* dinp, std::size_t batch) {
        for_each_weighted<Self>(batch * G.channels * G.height, G.width, bodies::UnpadRow<T, G>{dout, dinp});
    }

    // ------------------------------------------------------------ MinibatchStddev: per sample, per group
    template <MinibatchStddevGeometry G>
    static void minibatch_stddev_forward(const T* in, T* out, std::size_t batch, double eps) {
        for_each_weighted<Self>(batch, G.out_features(), bodies::MinibatchStddevCopyRow<T, G>{in, out});
        for_each_weighted<Self>(G.groups(batch), 2 * G.group * G.features,
                                bodies::MinibatchStddevGroup<T, G>{in, out, batch, eps});
    }
    template <MinibatchStddevGeometry G>
    static void minibatch_stddev_backward(const T* in, const T* dout, T* dinp, std::size_t batch,
                                          double eps) {
        for_each_weighted<Self>(G.groups(batch), 3 * G.group * G.features,
                                bodies::MinibatchStddevBackwardGroup<T, G>{in, dout, dinp, batch, eps});
    }
};

}  // namespace ctnn
