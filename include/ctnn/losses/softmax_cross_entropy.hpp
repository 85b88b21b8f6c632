// SoftmaxCrossEntropy: fused softmax + negative log-likelihood on raw logits.
// Network output (N, K), K >= 2, targets: N class indices (int32). Per sample
// loss = logsumexp(x) - x[t] computed with the max subtracted (stable for huge logits);
// gradient softmax(x) - onehot(t), divided by N under Reduction::mean.
#pragma once

#include <cmath>
#include <cstdint>

#include "ctnn/core/hd.hpp"
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

    // Returns the loss of the batch and writes d loss / d logits into dlogits.
    T compute(const T* logits, const SoftmaxCrossEntropy::target_type* targets, T* dlogits, std::size_t batch) {
        reserve(batch);
        const T scale = m_config.reduction == Reduction::mean ? T(1) / T(batch) : T(1);
        T* losses = m_losses.data();
        B::for_each(batch, [=] CTNN_HD(std::size_t n) {
            const T* x = logits + n * K;
            T* dx = dlogits + n * K;
            T max = x[0];
            for (std::size_t k = 1; k < K; ++k) max = x[k] > max ? x[k] : max;
            T total = 0;
            for (std::size_t k = 0; k < K; ++k) total += (dx[k] = std::exp(x[k] - max));
            const auto target = static_cast<std::size_t>(targets[n]);
            losses[n] = (std::log(total) + max - x[target]) * scale;
            const T inverse = scale / total;
            for (std::size_t k = 0; k < K; ++k) dx[k] *= inverse;
            dx[target] -= scale;
        });
        return B::sum(losses, batch);
    }

private:
    void reserve(std::size_t batch) {
        if (m_losses.size() < batch) m_losses = B::template allocate<T>(batch);
    }
    SoftmaxCrossEntropy m_config;
    typename B::template buffer<T> m_losses;
};
}  // namespace detail

}  // namespace ctnn
