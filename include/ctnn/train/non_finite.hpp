// What training does when a loss or gradient is NaN or Inf: stop with a NonFiniteError that
// names the step and the tensor (the default: nothing already saved is touched), or skip the
// step and count it.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/nn/model.hpp"

namespace ctnn {

enum class NonFinitePolicy { stop, skip };

struct NonFiniteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline std::string describe_value(double value) {
    return std::isnan(value) ? "NaN" : (value > 0 ? "+Inf" : "-Inf");
}

// Name of the first tensor slot holding a NaN/Inf in `values` (backend memory), or "".
template <Backend B>
std::string first_non_finite(const typename B::value_type* values, const std::vector<TensorSlot>& slots) {
    std::size_t total = 0;
    for (const auto& slot : slots) total = std::max(total, slot.offset + slot.count);
    std::vector<typename B::value_type> host(total);
    B::to_host(values, host.data(), total);
    for (const auto& slot : slots)
        for (std::size_t i = 0; i < slot.count; ++i)
            if (!std::isfinite(static_cast<double>(host[slot.offset + i])))
                return slot.name + "[" + std::to_string(i) +
                       "] = " + describe_value(static_cast<double>(host[slot.offset + i]));
    return "";
}

}  // namespace ctnn
