// SoftmaxCrossEntropy: fused softmax + negative log-likelihood on raw logits.
// Network output (N, K), K >= 2, targets: N class indices (int32). Per sample
// loss = logsumexp(x) - x[t] computed with the max subtracted (stable for huge logits);
// gradient softmax(x) - onehot(t), divided by N under Reduction::mean. The backend op
// B::softmax_cross_entropy computes it (body: backend/train_bodies.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctnn/backend/train_ops.hpp"
#include "ctnn/core/shape.hpp"
#include "ctnn/losses/reduction.hpp"

namespace ctnn {

namespace detail {
template <class Out, class B>
class SoftmaxCrossEntropyImpl;
}

struct SoftmaxCrossEntropy {
    Reduction reduction = Reduction::mean;
    using target_type = std::int32_t;
    static constexpr const char* name = "softmax_cross_entropy";

    template <class Out>
    struct bind {
        static_assert(Out::rank == 1 && Out::size >= 2,
                      "SoftmaxCrossEntropy: the network output must be Shape<K> with K >= 2 classes");
        static constexpr std::size_t targets_per_sample = 1;

        template <class B>
        using impl = detail::SoftmaxCrossEntropyImpl<Out, B>;
    };
};

namespace detail {
template <class Out, class B>
class SoftmaxCrossEntropyImpl {
  public:
    using T = typename B::value_type;
    static constexpr std::size_t K = Out::size;

    explicit SoftmaxCrossEntropyImpl(SoftmaxCrossEntropy config = {}) : m_config(config) {}

    // Writes d loss / d logits into dlogits and the batch's loss into *loss_sum (backend memory):
    // nothing is read back to the host.
    void compute_on_device(const T* logits, const SoftmaxCrossEntropy::target_type* targets, T* dlogits,
                           std::size_t batch, T* loss_sum) {
        m_sums.reserve(B::loss_scratch(batch));
        const T scale = m_config.reduction == Reduction::mean ? T(1) / T(batch) : T(1);
        B::softmax_cross_entropy(logits, targets, dlogits, batch, K, scale, m_sums.scratch(), loss_sum);
    }

    // The same, and returns the loss of the batch (one blocking read).
    T compute(const T* logits, const SoftmaxCrossEntropy::target_type* targets, T* dlogits,
              std::size_t batch) {
        m_sums.reserve(B::loss_scratch(batch));
        compute_on_device(logits, targets, dlogits, batch, m_sums.slot(0));
        return m_sums.read()[0];
    }

  private:
    SoftmaxCrossEntropy m_config;
    DeviceSums<B, 1> m_sums;
};
}  // namespace detail

}  // namespace ctnn
