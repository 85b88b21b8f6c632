// Adadelta with PyTorch's semantics (torch.optim.Adadelta): g = grad + weight_decay * p,
// square_avg = rho square_avg + (1 - rho) g^2, delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) g,
// acc_delta = rho acc_delta + (1 - rho) delta^2, p -= lr delta. PyTorch's MNIST example runs it at
// lr 1.0 (Adadelta{.lr = 1.0f}, the default) with StepLR(gamma 0.7). One flat loop over all
// parameters (the backend op B::adadelta_step). State: square_avg, acc_delta (PyTorch's names).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <Backend B>
class AdadeltaStep;

struct Adadelta {
    float lr = 1.0f;
    float rho = 0.9f;
    float eps = 1e-6f;
    float weight_decay = 0.0f;
    static constexpr const char* name = "adadelta";

    template <Backend B>
    using impl = AdadeltaStep<B>;
};

// The optimizer state for Adadelta on backend B, and its step.
template <Backend B>
class AdadeltaStep {
  public:
    using T = typename B::value_type;
    using buffer = typename B::template buffer<T>;

    AdadeltaStep(Adadelta config, std::size_t count)
        : config(config),
          m_count(count),
          m_square_avg(B::template allocate<T>(count)),
          m_acc_delta(B::template allocate<T>(count)) {}

    void step(T* params, const T* grads) {
        ++m_steps;
        const AdadeltaHyper<T> hyper{
            .lr = config.lr, .rho = config.rho, .eps = config.eps, .decay = config.weight_decay};
        B::adadelta_step(params, grads, m_square_avg.data(), m_acc_delta.data(), m_count, hyper);
    }

    std::uint64_t steps() const { return m_steps; }
    void set_steps(std::uint64_t steps) { m_steps = steps; }
    std::vector<std::pair<std::string, buffer*>> state_tensors() {
        return {{"square_avg", &m_square_avg}, {"acc_delta", &m_acc_delta}};
    }

    Adadelta config;

  private:
    std::size_t m_count;
    buffer m_square_avg, m_acc_delta;
    std::uint64_t m_steps = 0;
};

}  // namespace ctnn
