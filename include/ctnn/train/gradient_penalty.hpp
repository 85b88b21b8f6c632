// GradientPenalty<Critic, B>: WGAN-GP's term lambda / N sum_i (|grad_x D(x_hat_i)|_2 - 1)^2 on
// interpolates x_hat_i = e_i x_i + (1 - e_i) f_i of real images x and generated ones f (e_i
// uniform in [0, 1), drawn from a key), added to a critic's gradients as a step hook would:
//   1. g_i = grad_x D(x_hat_i) by one forward and one input-only backward pass (the critic's
//      parameter gradients untouched);
//   2. the penalty's value into a device scalar, and its parameter gradient: with v_i = g_i / |g_i|,
//      d|g_i| / d theta = d/d theta (v_i . grad_x D(x_hat_i)), taken as the central difference
//      (grad_theta D(x_hat_i + h v_i) - grad_theta D(x_hat_i - h v_i)) / 2h, i.e. two more
//      forward/backward passes whose output gradients carry each sample's factor
//      2 lambda / N (|g_i| - 1) / 2h. For a critic of Dense/Conv layers and piecewise-linear
//      activations this is exact unless a kink lies within h of x_hat_i.
// Shapes: images (N, image_size); the critic ends in Shape<1>. The critic must treat samples
// independently and skip its weight gradients in an input-only backward: BatchNorm,
// MinibatchStddev and Dropout, and layers with parameters other than Dense and Conv, are
// compile errors naming the layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ctnn/core/random.hpp"
#include "ctnn/layers/batch_norm.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/minibatch_stddev.hpp"
#include "ctnn/nn/model.hpp"

namespace ctnn {

namespace detail {
template <class L>
inline constexpr bool is_batch_norm_v = false;
template <float M, float E>
inline constexpr bool is_batch_norm_v<BatchNorm<M, E>> = true;
template <class L>
inline constexpr bool is_minibatch_stddev_v = false;
template <std::size_t G, float E>
inline constexpr bool is_minibatch_stddev_v<MinibatchStddev<G, E>> = true;
template <class L>
inline constexpr bool is_dropout_v = false;
template <float P>
inline constexpr bool is_dropout_v<Dropout<P>> = true;

// One layer of a critic under the gradient penalty; its static_asserts name the layer.
template <class L>
struct GradientPenaltyLayer {
    static_assert(!is_batch_norm_v<L>,
                  "Gradient penalty: the critic holds BatchNorm, which mixes the samples of a batch; the "
                  "penalty is per sample (drop BatchNorm from the critic)");
    static_assert(
        !is_minibatch_stddev_v<L>,
        "Gradient penalty: the critic holds MinibatchStddev, which mixes the samples of a batch; the "
        "penalty is per sample");
    static_assert(
        !is_dropout_v<L>,
        "Gradient penalty: the critic holds Dropout, whose masks would differ between the passes of "
        "the penalty");
    static constexpr bool value = true;
};
template <class Net>
struct GradientPenaltyCritic;
template <std::size_t... In, class... Ls>
struct GradientPenaltyCritic<Sequential<Input<In...>, Ls...>> {
    static constexpr bool value = (GradientPenaltyLayer<Ls>::value && ...);
};

// A bound layer with parameters must skip its weight gradients in an input-only backward.
template <class Bound, class B>
inline constexpr bool input_only_backward_v = Bound::param_count == 0 ||
                                              requires(typename Bound::template impl<B>& layer,
                                                       const typename B::value_type* g,
                                                       typename B::value_type* d) {
    layer.backward_input(g, d, std::size_t{});
};
template <class Layers, class B>
struct InputOnlyBackward;
template <class... Bound, class B>
struct InputOnlyBackward<std::tuple<Bound...>, B> {
    static constexpr bool value = (input_only_backward_v<Bound, B> && ...);
};
}  // namespace detail

template <class Critic, Backend B>
class GradientPenalty {
    static_assert(detail::GradientPenaltyCritic<Critic>::value);
    static_assert(detail::InputOnlyBackward<typename Critic::layers, B>::value,
                  "Gradient penalty: every critic layer with parameters must be Dense or Conv (an input-only "
                  "backward that leaves the parameter gradients alone)");

  public:
    using T = typename B::value_type;
    static constexpr std::size_t image_size = Critic::input_shape::size;

    // Adds the penalty's parameter gradient to critic's gradients and its value to *penalty_sum
    // (backend memory, overwritten); real and fake are n images each (backend memory), the
    // interpolation weights uniform draws of Rng(key).
    void add(Model<Critic, B>& critic, const T* real, const T* fake, std::size_t n, T lambda, T step,
             std::uint64_t key, T* penalty_sum) {
        reserve(n);
        Rng rng(key);
        for (std::size_t i = 0; i < n; ++i) m_weights_host[i] = static_cast<T>(rng.uniform01());
        add(critic, real, fake, m_weights_host.data(), n, lambda, step, penalty_sum);
    }
    // The same with given interpolation weights (n values, host memory).
    void add(Model<Critic, B>& critic, const T* real, const T* fake, const T* weights, std::size_t n,
             T lambda, T step, T* penalty_sum) {
        reserve(n);
        B::from_host(weights, m_weights.data(), n);
        B::interpolate_rows(real, fake, m_weights.data(), n, image_size, m_interpolates.data());
        critic.forward(m_interpolates.data(), n);
        critic.backward_input(m_ones.data(), m_input_grad.data());
        B::row_norms(m_input_grad.data(), n, image_size, m_norms.data());
        B::gradient_penalty(m_norms.data(), n, lambda, step, m_dplus.data(), m_dminus.data(),
                            m_scratch.data(), penalty_sum);
        for (const T direction : {step, -step}) {
            B::step_along_rows(m_interpolates.data(), m_input_grad.data(), m_norms.data(), direction, n,
                               image_size, m_shifted.data());
            critic.forward(m_shifted.data(), n);
            critic.backward(direction > 0 ? m_dplus.data() : m_dminus.data());
        }
    }

  private:
    void reserve(std::size_t n) {
        if (n <= m_capacity) return;
        m_weights_host.assign(n, T(0));
        m_weights = B::template allocate<T>(n);
        m_interpolates = B::template allocate<T>(n * image_size);
        m_shifted = B::template allocate<T>(n * image_size);
        m_input_grad = B::template allocate<T>(n * image_size);
        m_ones = B::template allocate<T>(n);
        B::fill(m_ones.data(), n, T(1));
        m_norms = B::template allocate<T>(n);
        m_dplus = B::template allocate<T>(n);
        m_dminus = B::template allocate<T>(n);
        m_scratch = B::template allocate<T>(B::loss_scratch(n));
        m_capacity = n;
    }

    std::size_t m_capacity = 0;
    std::vector<T> m_weights_host;
    typename B::template buffer<T> m_weights, m_interpolates, m_shifted, m_input_grad, m_ones, m_norms,
        m_dplus, m_dminus, m_scratch;
};

}  // namespace ctnn
