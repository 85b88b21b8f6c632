// ElementwiseLoss: the shared body of losses that compare each output element with a float
// target of the same shape (BCE, BCEWithLogits, MSE). Loss::run<B>(y, t, dy, n, scale, scratch, sum)
// calls the loss's named backend op (B::bce, B::bce_with_logits, B::mse): dy = scale d loss / d y
// and *sum = scale * the summed loss, a device scalar. Reduction::mean divides by N * elements,
// like PyTorch.
#pragma once

#include <cstddef>

#include "ctnn/backend/train_ops.hpp"
#include "ctnn/losses/reduction.hpp"

namespace ctnn::detail {

// The bound form of an element-wise loss `Loss` (which holds `reduction`) for output shape Out.
template <class Loss, class Out>
struct ElementwiseLossBind {
    static constexpr std::size_t targets_per_sample = Out::size;
    using target_type = float;

    template <class B>
    class impl {
      public:
        using T = typename B::value_type;

        explicit impl(Loss config = {}) : m_config(config) {}

        // Writes d loss / d output into doutput and the batch's loss into *loss_sum (backend
        // memory): nothing is read back to the host.
        void compute_on_device(const T* output, const target_type* targets, T* doutput, std::size_t batch,
                               T* loss_sum) {
            const std::size_t n = batch * Out::size;
            m_sums.reserve(B::loss_scratch(n));
            const T scale = m_config.reduction == Reduction::mean ? T(1) / T(n) : T(1);
            Loss::template run<B>(output, targets, doutput, n, scale, m_sums.scratch(), loss_sum);
        }

        // The same, and returns the loss of the batch (one blocking read).
        T compute(const T* output, const target_type* targets, T* doutput, std::size_t batch) {
            m_sums.reserve(B::loss_scratch(batch * Out::size));
            compute_on_device(output, targets, doutput, batch, m_sums.slot(0));
            return m_sums.read()[0];
        }

      private:
        Loss m_config;
        DeviceSums<B, 1> m_sums;
    };
};

}  // namespace ctnn::detail
