// ConvTranspose<Cout, K, Stride = 1, Padding = 0>: transposed 2-D convolution (PyTorch's
// ConvTranspose2d, no output padding): the gradient of Conv w.r.t. its input, used to upsample.
// Input (N, Cin, H, W) -> output (N, Cout, Ho, Wo), Ho = (H - 1) S - 2P + K (same for Wo).
// Parameters: weight (Cin, Cout, K, K), bias (Cout). Forward: one GEMM W^T x over the batch,
// then col2im. Backward: im2col of dout, then GEMMs for dweight and dinp (no cache needed).
// N batch, C channels, H height, W width
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

template <std::size_t Cout, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0>
struct ConvTranspose {
    static_assert(Cout > 0, "ConvTranspose<Cout, K, Stride, Padding>: Cout (output channels) must be positive");
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
        static constexpr std::size_t plane = H * W;         // input pixels per channel
        static constexpr std::size_t taps = Cout * K * K;   // what one input pixel writes to

        using in_shape = In;
        using out_shape = Shape<Cout, Ho, Wo>;
        static constexpr std::string_view kind = "convtranspose";
        // PyTorch takes fan_in from dim 1 of the weight (Cout * K * K) and fan_out from dim 0.
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {Cin, Cout, K, K}, 4, InitRole::weight, taps, Cin * K * K},
            {"bias", {Cout}, 1, InitRole::bias, taps, Cin * K * K},
        }};
        static constexpr std::size_t param_count = total_count(params);
        static constexpr std::size_t flops = Cin * plane * taps;
        static std::string name() {
            return detail::window_layer_name("ConvTranspose", std::to_string(Cout) + ", ", K, Stride, 1, Padding);
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
                reserve(batch);
                const std::size_t cols = batch * plane;
                T* col = m_col.data();
                T* x = m_x.data();
                to_channel_major(in, x, batch);
                // col (Cout*K*K, N*H*W) = weight^T (Cout*K*K, Cin) x x (Cin, N*H*W)
                B::gemm(true, false, taps, cols, Cin, T(1), m_weight, taps, x, cols, T(0), col, cols);
                B::col2im(col, out, batch, geometry);
                const T* bias = m_bias;
                B::for_each(batch * Cout * Ho * Wo,
                            [out, bias](std::size_t i) { out[i] += bias[i / (Ho * Wo) % Cout]; });
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                reserve(batch);
                const std::size_t cols = batch * plane;
                T* col = m_col.data();
                T* x = m_x.data();
                // dbias[c] += sum over the batch and the output plane of dout
                T* dbias = m_dbias;
                B::for_each(Cout, [dout, dbias, batch](std::size_t c) {
                    T total = 0;
                    for (std::size_t n = 0; n < batch; ++n) {
                        const T* channel = dout + (n * Cout + c) * Ho * Wo;
                        for (std::size_t p = 0; p < Ho * Wo; ++p) total += channel[p];
                    }
                    dbias[c] += total;
                });
                // dcol (Cout*K*K, N*H*W) = im2col(dout)
                B::im2col(dout, col, batch, geometry);
                // dweight (Cin, Cout*K*K) += x (Cin, N*H*W) x dcol^T
                to_channel_major(in, x, batch);
                B::gemm(false, true, Cin, taps, cols, T(1), x, cols, col, cols, T(1), m_dweight, taps);
                if (!dinp) return;
                // dx (Cin, N*H*W) = weight (Cin, Cout*K*K) x dcol, then back to (N, Cin, H*W)
                B::gemm(false, false, Cin, cols, taps, T(1), m_weight, taps, col, cols, T(0), x, cols);
                B::for_each(batch * Cin * plane, [x, dinp, batch](std::size_t i) {
                    const std::size_t n = i / (Cin * plane), c = i / plane % Cin, p = i % plane;
                    dinp[i] = x[(c * batch + n) * plane + p];
                });
            }

        private:
            // (N, Cin, H*W) -> (Cin, N*H*W): the batch as one matrix for the GEMMs.
            static void to_channel_major(const T* in, T* x, std::size_t batch) {
                B::for_each(batch * Cin * plane, [in, x, batch](std::size_t i) {
                    const std::size_t n = i / (Cin * plane), c = i / plane % Cin, p = i % plane;
                    x[(c * batch + n) * plane + p] = in[i];
                });
            }

            // Workspaces for up to m_capacity samples, grown only for a larger batch.
            void reserve(std::size_t batch) {
                if (batch <= m_capacity) return;
                m_col = B::template allocate<T>(taps * batch * plane);
                m_x = B::template allocate<T>(Cin * batch * plane);
                m_capacity = batch;
            }

            T* m_weight = nullptr;
            T* m_bias = nullptr;
            T* m_dweight = nullptr;
            T* m_dbias = nullptr;
            typename B::template buffer<T> m_col, m_x;
            std::size_t m_capacity = 0;
        };
    };
};

}  // namespace ctnn
