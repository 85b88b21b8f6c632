// ConvTranspose<Cout, K, Stride = 1, Padding = 0>: transposed 2-D convolution (PyTorch's
// ConvTranspose2d, no output padding): the gradient of Conv w.r.t. its input, used to upsample.
// Input (N, Cin, H, W) -> output (N, Cout, Ho, Wo), Ho = (H - 1) S - 2P + K (same for Wo).
// Parameters: weight (Cin, Cout, K, K), bias (Cout). It is the backend's convolution ops with
// input and output swapped (the convolution of `geometry` maps our output to our input):
// forward = conv2d_backward_data, backward to the input = conv2d, dweight =
// conv2d_backward_weight(dout, input). Nothing is cached between forward and backward.
// N batch, C channels, H height, W width
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

template <std::size_t Cout, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0>
struct ConvTranspose {
    static_assert(Cout > 0,
                  "ConvTranspose<Cout, K, Stride, Padding>: Cout (output channels) must be positive");
    static_assert(K > 0, "ConvTranspose<Cout, K, Stride, Padding>: the kernel size K must be positive");
    static_assert(Stride > 0, "ConvTranspose<Cout, K, Stride, Padding>: Stride must be positive");
    static_assert(K == 0 || Padding < K,
                  "ConvTranspose<Cout, K, Stride, Padding>: Padding must be smaller than the kernel size");

    template <class In>
    struct bind {
        static_assert(In::rank == 3,
                      "ConvTranspose: input must be (C, H, W); put Reshape<C, H, W> before ConvTranspose "
                      "(e.g. Reshape<100, 1, 1> for a latent vector)");
        static constexpr std::size_t Cin = detail::image_dim<In>(0), H = detail::image_dim<In>(1),
                                     W = detail::image_dim<In>(2);
        static_assert((H - 1) * Stride + K > 2 * Padding && (W - 1) * Stride + K > 2 * Padding,
                      "ConvTranspose: the padding crops away the whole output");
        static constexpr std::size_t Ho = (H - 1) * Stride + K - 2 * Padding;
        static constexpr std::size_t Wo = (W - 1) * Stride + K - 2 * Padding;
        static constexpr std::size_t plane = H * W;        // input pixels per channel
        static constexpr std::size_t taps = Cout * K * K;  // what one input pixel writes to

        using in_shape = In;
        using out_shape = Shape<Cout, Ho, Wo>;
        static constexpr std::string_view kind = "convtranspose";
        // PyTorch takes fan_in from dim 1 of the weight (Cout * K * K) and fan_out from dim 0.
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {Cin, Cout, K, K}, 4, InitRole::weight, taps, Cin* K* K},
            {"bias", {Cout}, 1, InitRole::bias, taps, Cin* K* K},
        }};
        static constexpr std::size_t param_count = total_count(params);
        static constexpr std::size_t flops = Cin * plane * taps;
        static std::string name() {
            return detail::window_layer_name("ConvTranspose", std::to_string(Cout) + ", ", K, Stride, 1,
                                             Padding);
        }
        // The convolution this layer is the transpose of: its image is our output.
        static constexpr ConvGeometry geometry{Cout, Ho, Wo, K, Stride, Padding};
        static_assert(In::rank != 3 || (geometry.out_height() == H && geometry.out_width() == W));

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            void bind_parameters(T* params, T* grads) {
                m_weight = params;
                m_bias = params + Cin * taps;
                m_dweight = grads;
                m_dbias = grads + Cin * taps;
            }

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::conv2d_backward_data(in, m_weight, out, batch, Cin, geometry, m_workspace);
                B::add_channel_bias(out, m_bias, batch, Cout, Ho * Wo);
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                B::sum_channels(dout, m_dbias, batch, Cout, Ho * Wo);
                B::conv2d_backward_weight(dout, in, m_dweight, nullptr, batch, Cin, geometry, m_workspace);
                if (dinp) B::conv2d(dout, m_weight, nullptr, dinp, batch, Cin, geometry, m_workspace);
            }

          private:
            T* m_weight = nullptr;
            T* m_bias = nullptr;
            T* m_dweight = nullptr;
            T* m_dbias = nullptr;
            typename B::ConvWorkspace m_workspace;  // the backend's chunk buffers (none on the CPU)
        };
    };
};

}  // namespace ctnn
