// Upsample<F>: nearest-neighbour upsampling by the integer factor F in height and width
// (PyTorch's nn.Upsample(scale_factor = F, mode = "nearest")): out[c, h, w] = in[c, h / F, w / F].
// Input (N, C, H, W) -> output (N, C, F H, F W). No parameters; backward sums dout over each
// F x F block. The backend runs it (B::upsample_nearest / upsample_nearest_backward).
// N batch, C channels, H height, W width
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn {

template <std::size_t F = 2>
struct Upsample {
    static_assert(F > 0, "Upsample<F>: the factor F must be positive");
    static constexpr std::string_view kind = "upsample";
    static std::string name() { return "Upsample<" + std::to_string(F) + ">"; }

    template <class In>
    struct bind : NoParams {
        static_assert(In::rank == 3, "Upsample: input must be (C, H, W); put Reshape<C, H, W> before it");
        static constexpr std::size_t C = detail::image_dim<In>(0), H = detail::image_dim<In>(1),
                                     W = detail::image_dim<In>(2);
        using in_shape = In;
        using out_shape = Shape<C, H * F, W * F>;
        static constexpr std::string_view kind = Upsample::kind;
        static constexpr std::size_t flops = 0;
        static std::string name() { return Upsample::name(); }
        static constexpr UpsampleGeometry geometry{C, H, W, F};

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;
            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::template upsample_nearest<geometry>(in, out, batch);
            }
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (dinp) B::template upsample_nearest_backward<geometry>(dout, dinp, batch);
            }
        };
    };
};

}  // namespace ctnn
