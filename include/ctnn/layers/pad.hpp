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

            // One body per output row (n, c, oh): zeros, or zeros around a copy of an input row.
            void forward(const T* in, T* out, std::size_t batch, Mode) {
                for_each_weighted<B>(batch * C * Ho, Wo, [in, out] CTNN_HD(std::size_t r) {
                    const std::size_t oh = r % Ho, plane = r / Ho;
                    T* row = out + r * Wo;
                    if (oh < P || oh >= P + H) {
                        for (std::size_t ow = 0; ow < Wo; ++ow) row[ow] = T(0);
                        return;
                    }
                    const T* src = in + (plane * H + oh - P) * W;
                    for (std::size_t ow = 0; ow < P; ++ow) row[ow] = row[P + W + ow] = T(0);
                    for (std::size_t w = 0; w < W; ++w) row[P + w] = src[w];
                });
            }

            // One body per input row (n, c, h): the middle of the matching output row.
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                for_each_weighted<B>(batch * C * H, W, [dout, dinp] CTNN_HD(std::size_t r) {
                    const T* src = dout + (r / H * Ho + r % H + P) * Wo + P;
                    for (std::size_t w = 0; w < W; ++w) dinp[r * W + w] = src[w];
                });
            }
        };
    };
};

}  // namespace ctnn
