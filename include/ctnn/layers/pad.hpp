// Pad<P>: zero padding of height and width by P on each side (LeNet-5's 28x28 -> 32x32).
// Input (N, C, H, W) -> output (N, C, H + 2P, W + 2P). No parameters. Backward crops dout
// back to the input's window.
// N batch, C channels, H height, W width
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

template <std::size_t P>
struct Pad {
    static_assert(P > 0, "Pad<P>: P (padding on each side) must be positive");

    template <class In>
    struct bind : NoParams {
        static_assert(In::rank == 3,
                      "Pad: input must be (C, H, W); put Reshape<C, H, W> before Pad for flat data");
        static constexpr std::size_t C = detail::image_dim<In>(0), H = detail::image_dim<In>(1),
                                     W = detail::image_dim<In>(2);
        static constexpr std::size_t Ho = H + 2 * P, Wo = W + 2 * P;

        using in_shape = In;
        using out_shape = Shape<C, Ho, Wo>;
        static constexpr std::string_view kind = "pad";
        static constexpr std::size_t flops = 0;
        static std::string name() { return "Pad<" + std::to_string(P) + ">"; }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            static constexpr PadGeometry geometry{C, H, W, P};

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::template pad2d<geometry>(in, out, batch);
            }

            // The crop of dout back to the input's window.
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                B::template unpad2d<geometry>(dout, dinp, batch);
            }
        };
    };
};

}  // namespace ctnn
