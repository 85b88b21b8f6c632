// Adam and AdamW with PyTorch's semantics. m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
// Adam adds weight_decay * p to g (L2); AdamW decays p *= 1 - lr * weight_decay (decoupled).
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
            const T lr = config.lr, beta1 = config.beta1, beta2 = config.beta2, eps = config.eps;
            const T decay = config.weight_decay;
            const auto t = static_cast<double>(m_steps);
            const T step_size = static_cast<T>(config.lr / (1.0 - std::pow(static_cast<double>(beta1), t)));
            const T correction2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(static_cast<double>(beta2), t)));
            T* m = m_exp_avg.data();
            T* v = m_exp_avg_sq.data();
            B::for_each(m_count, [=] CTNN_HD(std::size_t i) {
                T g = grads[i];
                if (Decoupled)  // not constexpr: nvcc captures no variable first in one
                    params[i] *= T(1) - lr * decay;
                else
                    g += decay * params[i];
                m[i] = beta1 * m[i] + (T(1) - beta1) * g;
                v[i] = beta2 * v[i] + (T(1) - beta2) * g * g;
                params[i] -= step_size * m[i] / (std::sqrt(v[i]) / correction2_sqrt + eps);
            });
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
