// GroupNorm<G, Eps>: PyTorch's nn.GroupNorm(G, C, eps): each sample's C channels cut into G groups
// of C / G consecutive channels, each group normalized by its own mean and biased variance over
// its (C / G) H W values, then y = xhat * weight[c] + bias[c]. The same in training and
// evaluation (no running statistics). Input (N, C, H, W) or (N, C) -> the same shape.
// Parameters: weight (C, ones), bias (C, zeros). Caches each group's mean and 1/std for backward.
// The backend computes it (B::group_norm_forward / backward); LayerNorm (layer_norm.hpp) is the
// same ops with one group and an affine per element.
// N batch, C channels, H, W; S = H * W (1 for a flat input), G groups.
#pragma once

#include <array>
#include <cstdio>
#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn {

namespace detail {

// The kernels both normalizations share: Geometry fixes the groups and the affine's layout.
template <class B, GroupNormGeometry Geometry, float Eps>
class GroupNormImpl {
  public:
    using T = typename B::value_type;
    static constexpr std::size_t affine = Geometry.affine_count();

    void bind_parameters(T* params, T* grads) {
        m_gamma = params;
        m_beta = params + affine;
        m_dgamma = grads;
        m_dbeta = grads + affine;
    }

    void forward(const T* in, T* out, std::size_t batch, Mode) {
        if (batch > m_capacity) {
            m_stats = B::template allocate<T>(2 * batch * Geometry.groups);
            m_capacity = batch;
        }
        B::template group_norm_forward<Geometry>(in, out, batch, m_gamma, m_beta, m_stats.data(),
                                                 static_cast<double>(Eps));
    }

    // With xhat = (x - mean) / std and M values per group: dinp = 1/std (dout gamma -
    // mean(dout gamma) - xhat mean(dout gamma xhat)); dgamma += sum(dout xhat), dbeta += sum(dout).
    void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
        B::template group_norm_backward<Geometry>(in, dout, dinp, batch, m_gamma, m_stats.data(), m_dgamma,
                                                  m_dbeta);
    }

  private:
    typename B::template buffer<T> m_stats;
    std::size_t m_capacity = 0;
    T* m_gamma = nullptr;
    T* m_beta = nullptr;
    T* m_dgamma = nullptr;
    T* m_dbeta = nullptr;
};

}  // namespace detail

template <std::size_t G, float Eps = 1e-5f>
struct GroupNorm {
    static_assert(G > 0, "GroupNorm<G, Eps>: the group count G must be positive");
    static_assert(Eps > 0.0f, "GroupNorm<G, Eps>: Eps must be positive");

    template <class In>
    struct bind {
        static_assert(In::rank == 1 || In::rank == 3, "GroupNorm: input must be (C) or (C, H, W)");
        static constexpr std::size_t channels = In::dims[0];
        static constexpr std::size_t spatial = In::size / channels;
        static_assert(channels % G == 0, "GroupNorm<G>: the group count G must divide the channel count C");
        using in_shape = In;
        using out_shape = In;
        static constexpr std::string_view kind = "groupnorm";
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {channels}, 1, InitRole::ones, 1, 1},
            {"bias", {channels}, 1, InitRole::zeros, 1, 1},
        }};
        static constexpr std::size_t param_count = total_count(params);
        static constexpr std::size_t flops = In::size;
        static std::string name() {
            char text[64];
            std::snprintf(text, sizeof text, "GroupNorm<%zu, %g>", G, static_cast<double>(Eps));
            return text;
        }

        template <class B>
        using impl = detail::GroupNormImpl<B, GroupNormGeometry{channels, spatial, G, false}, Eps>;
    };
};

}  // namespace ctnn
