// RMSprop with PyTorch's semantics (torch.optim.RMSprop): g = grad + weight_decay * p,
// square_avg = alpha square_avg + (1 - alpha) g^2; centered: grad_avg = alpha grad_avg + (1 - alpha) g
// and the denominator is sqrt(square_avg - grad_avg^2) + eps, else sqrt(square_avg) + eps; with
// momentum, momentum_buffer = momentum buf + g / denom and p -= lr buf, else p -= lr g / denom.
// One flat loop over all parameters (the backend op B::rmsprop_step). State: square_avg, and
// momentum_buffer / grad_avg when momentum / centered ask for them (PyTorch's names).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <Backend B>
class RmspropStep;

struct RMSprop {
    float lr = 1e-2f;
    float alpha = 0.99f;
    float eps = 1e-8f;
    float weight_decay = 0.0f;
    float momentum = 0.0f;
    bool centered = false;
    static constexpr const char* name = "rmsprop";

    template <Backend B>
    using impl = RmspropStep<B>;
};

// The optimizer state for RMSprop on backend B, and its step.
template <Backend B>
class RmspropStep {
  public:
    using T = typename B::value_type;
    using buffer = typename B::template buffer<T>;

    RmspropStep(RMSprop config, std::size_t count)
        : config(config), m_count(count), m_square_avg(B::template allocate<T>(count)) {
        ensure_state();
    }

    void step(T* params, const T* grads) {
        ++m_steps;
        ensure_state();
        const RmspropHyper<T> hyper{.lr = config.lr,
                                    .alpha = config.alpha,
                                    .eps = config.eps,
                                    .decay = config.weight_decay,
                                    .momentum = config.momentum,
                                    .centered = config.centered};
        B::rmsprop_step(params, grads, m_square_avg.data(), config.centered ? m_grad_avg.data() : nullptr,
                        config.momentum != 0 ? m_momentum.data() : nullptr, m_count, hyper);
    }

    std::uint64_t steps() const { return m_steps; }
    void set_steps(std::uint64_t steps) { m_steps = steps; }
    std::vector<std::pair<std::string, buffer*>> state_tensors() {
        ensure_state();
        std::vector<std::pair<std::string, buffer*>> named{{"square_avg", &m_square_avg}};
        if (config.momentum != 0) named.emplace_back("momentum_buffer", &m_momentum);
        if (config.centered) named.emplace_back("grad_avg", &m_grad_avg);
        return named;
    }

    RMSprop config;

  private:
    // The optional buffers exist once the configuration asks for them (zeros, as in PyTorch).
    void ensure_state() {
        if (config.momentum != 0 && m_momentum.size() != m_count)
            m_momentum = B::template allocate<T>(m_count);
        if (config.centered && m_grad_avg.size() != m_count) m_grad_avg = B::template allocate<T>(m_count);
    }

    std::size_t m_count;
    buffer m_square_avg, m_momentum, m_grad_avg;
    std::uint64_t m_steps = 0;
};

}  // namespace ctnn
