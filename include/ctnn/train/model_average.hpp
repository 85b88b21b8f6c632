// ModelAverage<Net, B>: a second model whose weights follow an exponential moving average of a
// live model's (the averaged generator of Karras et al. and BigGAN). After the live model's
// t-th optimizer step, average = beta average + (1 - beta) live with beta = min(decay,
// (1 + t) / (10 + t)), so early steps average over fewer; running statistics (state) are copied
// from the live model, not averaged. Starts as a copy of the live model.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>

#include "ctnn/nn/model.hpp"

namespace ctnn {

template <class Net, Backend B>
class ModelAverage {
  public:
    using model_type = Model<Net, B>;
    using T = typename B::value_type;

    explicit ModelAverage(const model_type& live) : m_average(std::make_unique<model_type>()) {
        B::copy(live.parameters(), m_average->parameters(), Net::param_count);
        copy_state(live);
    }

    // Moves the average towards `live` after live's `steps`-th optimizer step.
    void update(const model_type& live, double decay, std::uint64_t steps) {
        const double t = static_cast<double>(steps);
        const T beta = static_cast<T>(std::min(decay, (1 + t) / (10 + t)));
        B::moving_average(live.parameters(), m_average->parameters(), Net::param_count, beta);
        copy_state(live);
    }

    model_type& model() { return *m_average; }
    const model_type& model() const { return *m_average; }

  private:
    void copy_state(const model_type& live) {
        B::copy(live.state(), m_average->state(), model_type::state_count);
    }

    std::unique_ptr<model_type> m_average;  // a Model is not movable: layers point into its buffers
};

}  // namespace ctnn
