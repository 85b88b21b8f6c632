// Adam and AdamW with PyTorch's semantics. m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
// Adam adds weight_decay * p to g (L2); AdamW decays p *= 1 - lr * weight_decay (decoupled).
// One flat loop over all parameters (the backend op B::adam_step).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <bool Decoupled>
struct BasicAdam {
    float lr = 1e-3f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float eps = 1e-8f;
    float weight_decay = Decoupled ? 1e-2f : 0.0f;
    static constexpr const char* name = Decoupled ? "adamw" : "adam";

    template <Backend B>
    class impl {
      public:
        using T = typename B::value_type;
        using buffer = typename B::template buffer<T>;

        impl(BasicAdam config, std::size_t count)
            : config(config),
              m_count(count),
              m_exp_avg(B::template allocate<T>(count)),
              m_exp_avg_sq(B::template allocate<T>(count)) {}

        void step(T* params, const T* grads) {
            ++m_steps;
            const auto t = static_cast<double>(m_steps);
            const auto beta1 = static_cast<double>(static_cast<T>(config.beta1));
            const auto beta2 = static_cast<double>(static_cast<T>(config.beta2));
            const AdamHyper<T> hyper{.lr = config.lr,
                                     .beta1 = config.beta1,
                                     .beta2 = config.beta2,
                                     .eps = config.eps,
                                     .decay = config.weight_decay,
                                     .step_size = static_cast<T>(config.lr / (1.0 - std::pow(beta1, t))),
                                     .correction2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(beta2, t))),
                                     .decoupled = Decoupled};
            B::adam_step(params, grads, m_exp_avg.data(), m_exp_avg_sq.data(), m_count, hyper);
        }

        std::uint64_t steps() const { return m_steps; }
        void set_steps(std::uint64_t steps) { m_steps = steps; }
        std::vector<std::pair<std::string, buffer*>> state_tensors() {
            return {{"exp_avg", &m_exp_avg}, {"exp_avg_sq", &m_exp_avg_sq}};
        }

        BasicAdam config;

      private:
        std::size_t m_count;
        buffer m_exp_avg, m_exp_avg_sq;
        std::uint64_t m_steps = 0;
    };
};

using Adam = BasicAdam<false>;
using AdamW = BasicAdam<true>;

}  // namespace ctnn
