// The losses of a GAN critic, per element with targets t = +1 (real) or -1 (fake); output
// Shape<1>, one raw critic value y per sample:
//   Hinge:       max(0, 1 - t y)  (the hinge game of SN-GAN and BigGAN: D minimises
//                relu(1 - D(x)) + relu(1 + D(G(z))); its generator minimises -D(G(z)))
//   Wasserstein: -t y             (WGAN's critic minimises D(G(z)) - D(x), its generator -D(G(z)))
//   WassersteinGP: Wasserstein plus the gradient penalty of WGAN-GP (lambda 10)
// Each names the loss its generator minimises (generator_loss: Wasserstein for all). Computed
// by the backend ops B::hinge and B::wasserstein (bodies: backend/train_bodies.hpp).
#pragma once

#include <cstddef>

#include "ctnn/core/shape.hpp"
#include "ctnn/losses/elementwise_loss.hpp"

namespace ctnn {

struct Wasserstein {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    using generator_loss = Wasserstein;
    static constexpr bool signed_targets = true;  // targets are +1 (real) and -1 (fake)
    static constexpr const char* name = "wasserstein";
    template <class B, class T>
    static void run(const T* y, const float* t, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        B::wasserstein(y, t, dy, n, scale, scratch, sum);
    }
    template <class Out>
    struct bind : detail::ElementwiseLossBind<Wasserstein, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "Wasserstein: the critic output must be Shape<1> (one value per sample)");
    };
};

struct Hinge {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    using generator_loss = Wasserstein;
    static constexpr bool signed_targets = true;
    static constexpr const char* name = "hinge";
    template <class B, class T>
    static void run(const T* y, const float* t, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        B::hinge(y, t, dy, n, scale, scratch, sum);
    }
    template <class Out>
    struct bind : detail::ElementwiseLossBind<Hinge, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "Hinge: the critic output must be Shape<1> (one value per sample)");
    };
};

// WGAN-GP (Gulrajani et al. 2017): the Wasserstein critic plus lambda (|grad_x D(x_hat)|_2 - 1)^2
// on per-sample interpolates x_hat of real and generated images, averaged over the batch. Gan
// adds the penalty as a hook of the critic's step; its gradient with respect to the critic's
// parameters (a second-order term) is a central difference of the parameter gradient along
// grad_x D / |grad_x D| with step `step` (train/gradient_penalty.hpp): exact for Dense/Conv
// critics with piecewise-linear activations unless a kink lies within `step` of an interpolate,
// where that sample's term is off (at 1e-2 one such kink put a bias gradient 25 off on the
// fixture of tests/train/gradient_penalty.cpp; at 1e-3 the error is 4.5e-5 of the largest
// gradient, float32 rounding). The critic must treat samples
// independently: BatchNorm, MinibatchStddev and Dropout are compile errors under it.
struct WassersteinGP {
    Reduction reduction = Reduction::mean;
    float lambda = 10.0f;  // the penalty's weight
    float step = 1e-3f;    // the central difference's step along the input gradient
    using target_type = float;
    using generator_loss = Wasserstein;
    static constexpr bool signed_targets = true;
    static constexpr bool gradient_penalty = true;
    static constexpr const char* name = "wgan-gp";
    template <class B, class T>
    static void run(const T* y, const float* t, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        B::wasserstein(y, t, dy, n, scale, scratch, sum);
    }
    template <class Out>
    struct bind : detail::ElementwiseLossBind<WassersteinGP, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "WassersteinGP: the critic output must be Shape<1> (one value per sample)");
    };
};

}  // namespace ctnn
