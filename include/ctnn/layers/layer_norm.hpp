// LayerNorm<Eps>: PyTorch's nn.LayerNorm(normalized_shape = the sample's shape, eps): each sample
// normalized by the mean and biased variance of all its values, then y = xhat * weight + bias
// elementwise (weight and bias have the sample's shape). The same in training and evaluation.
// Input (N, ...) -> the same shape. Parameters: weight (ones), bias (zeros), each the sample's
// shape. Caches each sample's mean and 1/std for backward. The backend computes it with
// GroupNorm's ops (one group, affine per element: B::group_norm_forward / backward).
// N batch; F = the sample's size.
#pragma once

#include <array>
#include <cstdio>
#include <string>

#include "ctnn/layers/group_norm.hpp"

namespace ctnn {

namespace detail {
// The sample's shape as a parameter's dims (ParamSpec holds up to four).
template <class In>
constexpr std::array<std::size_t, 4> param_dims() {
    std::array<std::size_t, 4> dims{};
    for (std::size_t i = 0; i < In::rank; ++i) dims[i] = In::dims[i];
    return dims;
}
}  // namespace detail

template <float Eps = 1e-5f>
struct LayerNorm {
    static_assert(Eps > 0.0f, "LayerNorm<Eps>: Eps must be positive");

    template <class In>
    struct bind {
        static_assert(In::rank <= 4, "LayerNorm: the sample's shape has at most four dimensions");
        using in_shape = In;
        using out_shape = In;
        static constexpr std::string_view kind = "layernorm";
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", detail::param_dims<In>(), In::rank, InitRole::ones, 1, 1},
            {"bias", detail::param_dims<In>(), In::rank, InitRole::zeros, 1, 1},
        }};
        static constexpr std::size_t param_count = total_count(params);
        static constexpr std::size_t flops = In::size;
        static std::string name() {
            char text[48];
            std::snprintf(text, sizeof text, "LayerNorm<%g>", static_cast<double>(Eps));
            return text;
        }

        template <class B>
        using impl = detail::GroupNormImpl<B, GroupNormGeometry{In::size, 1, 1, true}, Eps>;
    };
};

}  // namespace ctnn
