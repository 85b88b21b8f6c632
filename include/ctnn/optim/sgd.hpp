// SGD with PyTorch's semantics: g = grad + weight_decay * p; with momentum,
// v = momentum * v + (1 - dampening) * g (v = g on the first step) and the step uses
// g + momentum * v (Nesterov) or v; p -= lr * step. One flat loop over all parameters
// (the backend op B::sgd_step).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <Backend B>
class SgdStep;

struct SGD {
    float lr = 0.01f;
    float momentum = 0.0f;
    float dampening = 0.0f;
    float weight_decay = 0.0f;
    bool nesterov = false;
    static constexpr const char* name = "sgd";

    template <Backend B>
    using impl = SgdStep<B>;
};

// The optimizer state for SGD on backend B (the velocity), and its step.
template <Backend B>
class SgdStep {
  public:
    using T = typename B::value_type;
    using buffer = typename B::template buffer<T>;

    SgdStep(SGD config, std::size_t count)
        : config(config),
          m_count(count),
          m_velocity(B::template allocate<T>(config.momentum > 0 ? count : 0)) {}

    void step(T* params, const T* grads) {
        ++m_steps;
        const SgdHyper<T> hyper{.lr = config.lr,
                                .momentum = config.momentum,
                                .dampening = config.dampening,
                                .decay = config.weight_decay,
                                .nesterov = config.nesterov,
                                .first = m_steps == 1};
        if (hyper.momentum != T(0) && m_velocity.size() != m_count)
            m_velocity = B::template allocate<T>(m_count);
        B::sgd_step(params, grads, hyper.momentum == T(0) ? nullptr : m_velocity.data(), m_count, hyper);
    }

    std::uint64_t steps() const { return m_steps; }
    void set_steps(std::uint64_t steps) { m_steps = steps; }
    // Named state tensors, each `count` long, for checkpoints.
    std::vector<std::pair<std::string, buffer*>> state_tensors() {
        if (config.momentum > 0 && m_velocity.size() != m_count)
            m_velocity = B::template allocate<T>(m_count);
        if (config.momentum > 0) return {{"momentum_buffer", &m_velocity}};
        return {};
    }

    SGD config;

  private:
    std::size_t m_count;
    buffer m_velocity;
    std::uint64_t m_steps = 0;
};

}  // namespace ctnn
