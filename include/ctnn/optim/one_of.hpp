// OneOf<Options...>: an optimizer chosen at run time among a fixed set (OneOf<SGD, Adam>),
// so a program that offers `--optimizer sgd|adam` instantiates its network's Classifier once
// instead of once per optimizer (each Classifier instantiates the whole forward/backward).
// The step dispatches on a std::variant; checkpoints name the optimizer that was chosen.
// Also: learning_rate(config), set_learning_rate(step, lr) and optimizer_name(step), which the
// trainers and checkpoints use for any optimizer (SGD, Adam, AdamW, OneOf).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <Backend B, class... Options>
class OneOfStep;

template <class... Options>
struct OneOf {
    static_assert(sizeof...(Options) >= 1, "OneOf: name at least one optimizer (OneOf<SGD, Adam>)");

    std::variant<Options...> choice;

    float learning_rate() const {
        return std::visit([](const auto& option) { return option.lr; }, choice);
    }

    template <Backend B>
    using impl = OneOfStep<B, Options...>;
};

// The state and step of whichever optimizer the OneOf holds.
template <Backend B, class... Options>
class OneOfStep {
  public:
    using T = typename B::value_type;
    using buffer = typename B::template buffer<T>;

    OneOfStep(OneOf<Options...> config, std::size_t count)
        : m_step(std::visit(
              [count](const auto& option) -> Steps {
                  using Step = typename std::remove_cvref_t<decltype(option)>::template impl<B>;
                  return Steps(std::in_place_type<Step>, option, count);
              },
              config.choice)) {}

    void step(T* params, const T* grads) {
        std::visit([params, grads](auto& s) { s.step(params, grads); }, m_step);
    }
    std::uint64_t steps() const {
        return std::visit([](const auto& s) { return s.steps(); }, m_step);
    }
    void set_steps(std::uint64_t steps) {
        std::visit([steps](auto& s) { s.set_steps(steps); }, m_step);
    }
    std::vector<std::pair<std::string, buffer*>> state_tensors() {
        return std::visit([](auto& s) { return s.state_tensors(); }, m_step);
    }
    float learning_rate() const {
        return std::visit([](const auto& s) { return s.config.lr; }, m_step);
    }
    void set_learning_rate(float lr) {
        std::visit([lr](auto& s) { s.config.lr = lr; }, m_step);
    }
    const char* name() const {
        return std::visit([](const auto& s) -> const char* { return s.config.name; }, m_step);
    }

  private:
    using Steps = std::variant<typename Options::template impl<B>...>;
    Steps m_step;
};

// The learning rate an optimizer's configuration starts with.
template <class Config>
float learning_rate(const Config& config) {
    if constexpr (requires { config.learning_rate(); })
        return config.learning_rate();
    else
        return config.lr;
}

// Sets the learning rate of an optimizer's step object (schedules call it once per epoch).
template <class Step>
void set_learning_rate(Step& step, float lr) {
    if constexpr (requires { step.set_learning_rate(lr); })
        step.set_learning_rate(lr);
    else
        step.config.lr = lr;
}

// The name checkpoints record for an optimizer's step object: "sgd", "adam", "adamw".
template <class Step>
const char* optimizer_name(const Step& step) {
    if constexpr (requires { step.name(); })
        return step.name();
    else
        return std::remove_cvref_t<decltype(step.config)>::name;
}

}  // namespace ctnn
