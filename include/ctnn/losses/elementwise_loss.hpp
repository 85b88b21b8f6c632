// ElementwiseLoss: the shared body of losses that compare each output element with a float
// target of the same shape (BCE, BCEWithLogits, MSE). Op::apply(y, t, loss, grad) gives the
// element's loss and d loss / d y; Reduction::mean divides by N * elements, like PyTorch.
#pragma once

#include <cstddef>

#include "ctnn/core/hd.hpp"
#include "ctnn/losses/reduction.hpp"

namespace ctnn::detail {

// The bound form of an element-wise loss `Loss` (which holds `reduction`) for output shape Out.
template <class Loss, class Op, class Out>
struct ElementwiseLossBind {
        static constexpr std::size_t targets_per_sample = Out::size;
        using target_type = float;

        template <class B>
        class impl {
        public:
            using T = typename B::value_type;

            explicit impl(Loss config = {}) : m_config(config) {}

            // Returns the loss of the batch and writes d loss / d output into doutput.
            T compute(const T* output, const target_type* targets, T* doutput, std::size_t batch) {
                const std::size_t n = batch * Out::size;
                if (m_losses.size() < n) m_losses = B::template allocate<T>(n);
                const T scale = m_config.reduction == Reduction::mean ? T(1) / T(n) : T(1);
                T* losses = m_losses.data();
                B::for_each(n, [=] CTNN_HD(std::size_t i) {
                    T loss, grad;
                    Op::apply(output[i], static_cast<T>(targets[i]), loss, grad);
                    losses[i] = loss * scale;
                    doutput[i] = grad * scale;
                });
                return B::sum(losses, n);
            }

        private:
            Loss m_config;
            typename B::template buffer<T> m_losses;
        };
};

}  // namespace ctnn::detail
