// Binary cross-entropy, per element with float targets t in [0, 1]:
//   BCE on probabilities p (after a Sigmoid): -(t log p + (1-t) log(1-p)), logs clamped at
//   -100 as PyTorch does; network output must be Shape<1>.
//   BCEWithLogits on raw logits x: max(x,0) - x t + log(1 + exp(-|x|)) (stable), gradient
//   sigmoid(x) - t. Prefer it for GANs.
// The backend ops B::bce and B::bce_with_logits compute them (bodies: backend/train_bodies.hpp).
#pragma once

#include <cstddef>

#include "ctnn/core/shape.hpp"
#include "ctnn/losses/elementwise_loss.hpp"

namespace ctnn {

struct BCE {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "bce";
    template <class B, class T>
    static void run(const T* p, const float* t, T* dp, std::size_t n, T scale, T* scratch, T* sum) {
        B::bce(p, t, dp, n, scale, scratch, sum);
    }
    template <class Out>
    struct bind : detail::ElementwiseLossBind<BCE, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "BCE: the network output must be Shape<1> (one probability per sample)");
    };
};

struct BCEWithLogits {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "bce_with_logits";
    template <class B, class T>
    static void run(const T* x, const float* t, T* dx, std::size_t n, T scale, T* scratch, T* sum) {
        B::bce_with_logits(x, t, dx, n, scale, scratch, sum);
    }
    template <class Out>
    struct bind : detail::ElementwiseLossBind<BCEWithLogits, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "BCEWithLogits: the network output must be Shape<1> (one logit per sample)");
    };
};

}  // namespace ctnn
