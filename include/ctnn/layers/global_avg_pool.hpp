// GlobalAvgPool: the mean of each channel's plane (PyTorch's AdaptiveAvgPool2d(1) then flatten).
// Input (N, C, H, W) -> output (N, C). No parameters; backward spreads dout / (H W) over the plane.
// The backend runs it (B::global_avg_pool_forward / backward over N C rows of H W values).
// N batch, C channels, H height, W width
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

struct GlobalAvgPool {
    static constexpr std::string_view kind = "globalavgpool";
    static std::string name() { return "GlobalAvgPool"; }

    template <class In>
    struct bind : NoParams {
        static_assert(In::rank == 3,
                      "GlobalAvgPool: input must be (C, H, W); put Reshape<C, H, W> before it");
        static constexpr std::size_t C = detail::image_dim<In>(0),
                                     S = detail::image_dim<In>(1) * detail::image_dim<In>(2);
        using in_shape = In;
        using out_shape = Shape<C>;
        static constexpr std::string_view kind = GlobalAvgPool::kind;
        static constexpr std::size_t flops = 0;  // multiply-adds with parameters: none
        static std::string name() { return GlobalAvgPool::name(); }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;
            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::global_avg_pool_forward(in, out, batch * C, S);
            }
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (dinp) B::global_avg_pool_backward(dout, dinp, batch * C, S);
            }
        };
    };
};

}  // namespace ctnn
