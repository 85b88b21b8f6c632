// OptimizationStep<B, Sums>: the one optimization step every trainer takes (Classifier, Gan,
// a user's own loop). run(model, optimizer, backward, context):
//   1. under NonFinitePolicy::skip, the model's state (BatchNorm running statistics) is saved;
//   2. the gradients are zeroed;
//   3. `backward(sums)` runs the caller's forward passes, losses and backward passes: the losses
//      go into the device scalars sum(0 .. loss_sums - 1), anything else the caller wants read
//      with them (probabilities, correct counts) into the other sums;
//   4. the hooks run in the order added, between backward and the optimizer: gradient averaging
//      across processes, gradient penalties, clipping. Each sees a GradientView (parameters,
//      gradients, the tensor slots, the step's device scalars) and may change gradients and sums;
//   5. the gradients are summed on the device, and the sums and that gradient sum are read to
//      the host in one copy (the step's only device-to-host read);
//   6. the finite check: a NaN/Inf loss or gradient sum throws NonFiniteError naming the context
//      (the caller's "training step 3 (epoch 1)"), the network and the tensor (policy stop), or
//      skips the step (policy skip: no update, gradients zeroed, state restored, counted);
//   7. the optimizer steps.
// The check comes after the hooks, so processes that average their gradients all decide alike.
// One OptimizationStep serves one model. Buffers are sized on the first run: a steady-state step
// allocates nothing.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ctnn/backend/train_ops.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/train/non_finite.hpp"

namespace ctnn {

// What a hook sees after backward. All pointers are backend memory; parameters and gradients
// are the model's contiguous buffers of `count` values, named by `slots`.
template <Backend B>
struct GradientView {
    using T = typename B::value_type;
    T* parameters = nullptr;
    T* gradients = nullptr;
    std::size_t count = 0;
    const std::vector<TensorSlot>* slots = nullptr;
    T* sums = nullptr;  // the step's device scalars (losses first), sum_count of them
    std::size_t sum_count = 0;
    std::size_t loss_sums = 0;  // how many of the sums are losses
    std::uint64_t step = 0;     // steps this OptimizationStep has run, this one included
};

template <Backend B>
using GradientHook = std::function<void(const GradientView<B>&)>;

template <Backend B, std::size_t Sums = 1>
class OptimizationStep {
    static_assert(Sums >= 1, "OptimizationStep: at least one device scalar (the loss)");

  public:
    using T = typename B::value_type;
    static constexpr std::size_t sum_count = Sums;

    // What one run read back: the caller's sums and the gradient sum (host values), whether
    // the step was skipped (policy skip met a NaN/Inf), and the losses' total.
    struct Result {
        std::array<T, Sums> sums{};
        double loss = 0;
        double gradient_sum = 0;
        bool skipped = false;
    };

    // network: the name errors give it ("discriminator"; empty for a lone model); loss_sums:
    // how many of the Sums device scalars are losses that the finite check adds up.
    explicit OptimizationStep(std::string network = {}, std::size_t loss_sums = 1)
        : m_network(std::move(network)), m_loss_sums(loss_sums < Sums ? loss_sums : Sums) {}

    // Scratch values the caller's reductions need (B::loss_scratch(n), B::sum_scratch(n)).
    void reserve(std::size_t scratch_values) {
        m_scratch_values = std::max(m_scratch_values, scratch_values);
        m_sums.reserve(m_scratch_values);
    }
    T* sum(std::size_t i) { return m_sums.slot(i); }
    T* scratch() { return m_sums.scratch(); }

    void add_hook(GradientHook<B> hook) { m_hooks.push_back(std::move(hook)); }
    void clear_hooks() { m_hooks.clear(); }
    std::size_t hook_count() const { return m_hooks.size(); }

    void set_non_finite_policy(NonFinitePolicy policy) { m_policy = policy; }
    NonFinitePolicy non_finite_policy() const { return m_policy; }
    std::size_t skipped_steps() const { return m_skipped; }
    std::uint64_t steps() const { return m_steps; }
    void set_steps(std::uint64_t steps) { m_steps = steps; }

    // One step of `optimizer` on `model`; `backward(*this)` fills sum(0 ..) and the gradients,
    // `context()` is called only to word an error.
    template <class Net, class Optimizer, class Backward, class Context>
    Result run(Model<Net, B>& model, Optimizer& optimizer, Backward&& backward, Context&& context) {
        using model_type = Model<Net, B>;
        reserve(B::sum_scratch(Net::param_count));
        const bool restore_state = m_policy == NonFinitePolicy::skip && model_type::state_count > 0;
        if (restore_state) save_state(model);
        ++m_steps;
        model.zero_grad();
        backward(*this);
        if (!m_hooks.empty()) {
            if (m_slots.empty()) m_slots = model_type::parameter_slots();
            const GradientView<B> view{model.parameters(), model.gradients(),
                                       Net::param_count,   &m_slots,
                                       m_sums.slot(0),     Sums,
                                       m_loss_sums,        m_steps};
            for (const auto& hook : m_hooks) hook(view);
        }
        B::reduce_sum(model.gradients(), Net::param_count, m_sums.scratch(), m_sums.slot(Sums));
        const auto host = m_sums.read();
        Result result;
        for (std::size_t i = 0; i < Sums; ++i) result.sums[i] = host[i];
        for (std::size_t i = 0; i < m_loss_sums; ++i) result.loss += static_cast<double>(host[i]);
        result.gradient_sum = static_cast<double>(host[Sums]);
        std::string problem;
        if (!std::isfinite(result.loss))
            problem = prefixed("loss is ") + describe_value(result.loss);
        else if (!std::isfinite(result.gradient_sum)) {
            // Finite gradients whose sum overflowed leave `where` empty: the step goes ahead.
            const std::string where = first_non_finite<B>(model.gradients(), model_type::parameter_slots());
            if (!where.empty()) problem = "gradient of " + prefixed(where) + " is not finite";
        }
        if (problem.empty()) {
            optimizer.step(model.parameters(), model.gradients());
            return result;
        }
        if (m_policy == NonFinitePolicy::stop) throw NonFiniteError(std::string(context()) + ": " + problem);
        ++m_skipped;
        model.zero_grad();
        if (restore_state) B::copy(m_saved_state.data(), model.state(), model_type::state_count);
        result.skipped = true;
        return result;
    }

  private:
    std::string prefixed(const std::string& text) const {
        return m_network.empty() ? text : m_network + " " + text;
    }

    template <class Net>
    void save_state(Model<Net, B>& model) {
        constexpr std::size_t count = Model<Net, B>::state_count;
        if constexpr (count > 0) {
            if (m_saved_state.size() < count) m_saved_state = B::template allocate<T>(count);
            B::copy(model.state(), m_saved_state.data(), count);
        }
    }

    std::string m_network;
    std::size_t m_loss_sums;
    std::size_t m_scratch_values = 0;
    NonFinitePolicy m_policy = NonFinitePolicy::stop;
    std::size_t m_skipped = 0;
    std::uint64_t m_steps = 0;
    std::vector<GradientHook<B>> m_hooks;
    std::vector<TensorSlot> m_slots;  // the model's tensor names, for the hooks (kept after the first run)
    DeviceSums<B, Sums + 1> m_sums;   // the caller's sums, then the gradient sum
    typename B::template buffer<T> m_saved_state;  // the model's state before the step (skip policy)
};

}  // namespace ctnn
