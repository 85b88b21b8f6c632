// Binary cross-entropy, per element with float targets t in [0, 1]:
//   BCE on probabilities p (after a Sigmoid): -(t log p + (1-t) log(1-p)), logs clamped at
//   -100 as PyTorch does; network output must be Shape<1>.
//   BCEWithLogits on raw logits x: max(x,0) - x t + log(1 + exp(-|x|)) (stable), gradient
//   sigmoid(x) - t. Prefer it for GANs.
#pragma once

#include <algorithm>
#include <cmath>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/shape.hpp"
#include "ctnn/losses/elementwise_loss.hpp"

namespace ctnn {

namespace ops {
struct BinaryCrossEntropy {
    template <class T>
    static CTNN_HD void apply(T p, T t, T& loss, T& grad) {
        const T log_p = std::max(std::log(p), T(-100));
        const T log_1mp = std::max(std::log1p(-p), T(-100));
        loss = -(t * log_p + (T(1) - t) * log_1mp);
        const T eps = T(1e-12);
        grad = (p - t) / std::max((T(1) - p) * p, eps);
    }
};
struct BinaryCrossEntropyWithLogits {
    template <class T>
    static CTNN_HD void apply(T x, T t, T& loss, T& grad) {
        loss = std::max(x, T(0)) - x * t + std::log1p(std::exp(-std::abs(x)));
        const T sigmoid = x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
        grad = sigmoid - t;
    }
};
}  // namespace ops

struct BCE {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "bce";
    template <class Out>
    struct bind : detail::ElementwiseLossBind<BCE, ops::BinaryCrossEntropy, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "BCE: the network output must be Shape<1> (one probability per sample)");
    };
};

struct BCEWithLogits {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "bce_with_logits";
    template <class Out>
    struct bind : detail::ElementwiseLossBind<BCEWithLogits, ops::BinaryCrossEntropyWithLogits, Out> {
        static_assert(Out::rank == 1 && Out::size == 1,
                      "BCEWithLogits: the network output must be Shape<1> (one logit per sample)");
    };
};

}  // namespace ctnn
