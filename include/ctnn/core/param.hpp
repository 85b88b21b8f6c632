// Compile-time description of one parameter (or state) tensor of a layer: its name within the
// layer ("weight", "bias", "running_mean"), its dimensions, and how it is initialised. A bound
// model lays all of them out in one contiguous buffer and names them "<layer><n>.<name>".
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ctnn {

enum class InitRole {
    weight,  // Kaiming-uniform(a = sqrt 5) by default, Xavier-uniform as an option
    bias,    // uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) by default, zeros under Xavier
    zeros,
    ones,
    unit_normal,  // N(0, 1) draws scaled to unit length (SpectralNorm's u and v), under every scheme
};

struct ParamSpec {
    std::string_view name;
    std::array<std::size_t, 4> dims{};
    std::size_t rank = 0;
    InitRole role = InitRole::weight;
    std::size_t fan_in = 1;
    std::size_t fan_out = 1;

    constexpr std::size_t count() const {
        std::size_t total = 1;
        for (std::size_t i = 0; i < rank; ++i) total *= dims[i];
        return total;
    }
};

template <std::size_t N>
constexpr std::size_t total_count(const std::array<ParamSpec, N>& specs) {
    std::size_t total = 0;
    for (const auto& spec : specs) total += spec.count();
    return total;
}

}  // namespace ctnn
