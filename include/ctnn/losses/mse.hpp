// MSE: mean squared error (y - t)^2 per element against float targets of the output's shape;
// gradient 2 (y - t), divided by N * elements under Reduction::mean. The backend op B::mse
// computes it (body: backend/train_bodies.hpp).
#pragma once

#include <cstddef>

#include "ctnn/losses/elementwise_loss.hpp"

namespace ctnn {

struct MSE {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "mse";
    template <class B, class T>
    static void run(const T* y, const float* t, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        B::mse(y, t, dy, n, scale, scratch, sum);
    }
    template <class Out>
    using bind = detail::ElementwiseLossBind<MSE, Out>;
};

}  // namespace ctnn
