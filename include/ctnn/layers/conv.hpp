// Conv<Cout, K, Stride = 1, Padding = 0>: 2-D convolution (cross-correlation, PyTorch's Conv2d).
// Input (N, Cin, H, W) -> output (N, Cout, Ho, Wo), Ho = (H + 2P - K) / S + 1 (same for Wo).
// Parameters: weight (Cout, Cin, K, K), bias (Cout). The arithmetic is the backend's
// convolution ops (B::conv2d, conv2d_backward_data, conv2d_backward_weight: chunked im2col +
// GEMM on the CPU); nothing is cached between forward and backward, which reads the input again.
// N batch, C channels, H height, W width
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

template <std::size_t Cout, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0>
struct Conv {
    static_assert(Cout > 0, "Conv<Cout, K, Stride, Padding>: Cout (output channels) must be positive");
    static_assert(K > 0, "Conv<Cout, K, Stride, Padding>: the kernel size K must be positive");
    static_assert(Stride > 0, "Conv<Cout, K, Stride, Padding>: Stride must be positive");
    static_assert(K == 0 || Padding < K,
                  "Conv<Cout, K, Stride, Padding>: Padding must be smaller than the kernel size");

    static constexpr std::size_t S = Stride ? Stride : 1;  // keeps Stride = 0 to its one error

    template <class In>
    struct bind {
        static_assert(In::rank == 3,
                      "Conv: input must be (C, H, W); put Reshape<C, H, W> before Conv for flat data");
        static constexpr std::size_t Cin = detail::image_dim<In>(0), H = detail::image_dim<In>(1),
                                     W = detail::image_dim<In>(2);
        static_assert(In::rank != 3 || (H + 2 * Padding >= K && W + 2 * Padding >= K),
                      "Conv: kernel larger than the (padded) input");
        static constexpr std::size_t Ho = window_output(H, K, S, Padding);
        static constexpr std::size_t Wo = window_output(W, K, S, Padding);
        static constexpr std::size_t plane = Ho * Wo;       // output pixels per channel
        static constexpr std::size_t fan_in = Cin * K * K;  // one output's receptive field

        using in_shape = In;
        using out_shape = Shape<Cout, Ho, Wo>;
        static constexpr std::string_view kind = "conv";
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {Cout, Cin, K, K}, 4, InitRole::weight, fan_in, Cout* K* K},
            {"bias", {Cout}, 1, InitRole::bias, fan_in, Cout* K* K},
        }};
        static constexpr std::size_t param_count = total_count(params);
        static constexpr std::size_t flops = Cout * plane * fan_in;
        static std::string name() {
            return detail::window_layer_name("Conv", std::to_string(Cout) + ", ", K, Stride, 1, Padding);
        }
        static constexpr ConvGeometry geometry{Cin, H, W, K, Stride, Padding};

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            void bind_parameters(T* params, T* grads) {
                m_weight = params;
                m_bias = params + Cout * fan_in;
                m_dweight = grads;
                m_dbias = grads + Cout * fan_in;
            }

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::conv2d(in, m_weight, m_bias, out, batch, Cout, geometry, m_workspace);
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                B::conv2d_backward_weight(in, dout, m_dweight, m_dbias, batch, Cout, geometry, m_workspace);
                if (dinp) B::conv2d_backward_data(dout, m_weight, dinp, batch, Cout, geometry, m_workspace);
            }

            // The input gradient alone (Model::backward_input: no weight gradients wanted).
            void backward_input(const T* dout, T* dinp, std::size_t batch) {
                B::conv2d_backward_data(dout, m_weight, dinp, batch, Cout, geometry, m_workspace);
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
