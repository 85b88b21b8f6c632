// Adagrad with PyTorch's semantics (torch.optim.Adagrad): g = grad + weight_decay * p,
// sum += g^2, p -= clr g / (sqrt(sum) + eps) with clr = lr / (1 + (t - 1) lr_decay) at step t;
// sum starts at initial_accumulator_value. One flat loop over all parameters (the backend op
// B::adagrad_step). State: sum (PyTorch's name).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <Backend B>
class AdagradStep;

struct Adagrad {
    float lr = 1e-2f;
    float lr_decay = 0.0f;
    float weight_decay = 0.0f;
    float initial_accumulator_value = 0.0f;
    float eps = 1e-10f;
    static constexpr const char* name = "adagrad";

    template <Backend B>
    using impl = AdagradStep<B>;
};

// The optimizer state for Adagrad on backend B, and its step.
template <Backend B>
class AdagradStep {
  public:
    using T = typename B::value_type;
    using buffer = typename B::template buffer<T>;

    AdagradStep(Adagrad config, std::size_t count)
        : config(config), m_count(count), m_sum(B::template allocate<T>(count)) {
        if (config.initial_accumulator_value != 0)
            B::fill(m_sum.data(), count, static_cast<T>(config.initial_accumulator_value));
    }

    void step(T* params, const T* grads) {
        ++m_steps;
        const double clr = static_cast<double>(config.lr) /
                           (1.0 + static_cast<double>(m_steps - 1) * static_cast<double>(config.lr_decay));
        const AdagradHyper<T> hyper{
            .clr = static_cast<T>(clr), .eps = config.eps, .decay = config.weight_decay};
        B::adagrad_step(params, grads, m_sum.data(), m_count, hyper);
    }

    std::uint64_t steps() const { return m_steps; }
    void set_steps(std::uint64_t steps) { m_steps = steps; }
    std::vector<std::pair<std::string, buffer*>> state_tensors() { return {{"sum", &m_sum}}; }

    Adagrad config;

  private:
    std::size_t m_count;
    buffer m_sum;
    std::uint64_t m_steps = 0;
};

}  // namespace ctnn
