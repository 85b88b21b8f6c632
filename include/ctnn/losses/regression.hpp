// Regression losses beside MSE (losses/mse.hpp), PyTorch's semantics, against float targets of
// the output's shape (N, outputs): L1 = |y - t| (L1Loss), Huber<Delta> = (y - t)^2 / 2 below
// Delta, else Delta (|y - t| - Delta / 2) (HuberLoss; Delta = 1 is SmoothL1Loss). Mean over
// N * outputs under Reduction::mean. Backend ops B::l1 and B::huber<Delta>.
#pragma once

#include <cstddef>

#include "ctnn/losses/elementwise_loss.hpp"

namespace ctnn {

struct L1 {
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "l1";
    template <class B, class T>
    static void run(const T* y, const float* t, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        B::l1(y, t, dy, n, scale, scratch, sum);
    }
    template <class Out>
    using bind = detail::ElementwiseLossBind<L1, Out>;
};

template <float Delta = 1.0f>
struct Huber {
    static_assert(Delta > 0.0f, "Huber<Delta>: Delta must be positive");
    Reduction reduction = Reduction::mean;
    using target_type = float;
    static constexpr const char* name = "huber";
    template <class B, class T>
    static void run(const T* y, const float* t, T* dy, std::size_t n, T scale, T* scratch, T* sum) {
        B::template huber<Delta>(y, t, dy, n, scale, scratch, sum);
    }
    template <class Out>
    using bind = detail::ElementwiseLossBind<Huber, Out>;
};

}  // namespace ctnn
