// MSE: mean squared error (y - t)^2 per element against float targets of the output's shape;
// gradient 2 (y - t), divided by N * elements under Reduction::mean.
#pragma once

#include "ctnn/core/hd.hpp"
#include "ctnn/losses/elementwise_loss.hpp"

namespace ctnn {

namespace ops {
struct SquaredError {
    template <class T>
    static CTNN_HD void apply(T y, T t, T& loss, T& grad) {
        const T diff = y - t;
        loss = diff * diff;
        grad = T(2) * diff;
    }
};
}  // namespace ops

struct MSE {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "mse";
    template <class Out>
    using bind = detail::ElementwiseLossBind<MSE, ops::SquaredError, Out>;
};

}  // namespace ctnn
