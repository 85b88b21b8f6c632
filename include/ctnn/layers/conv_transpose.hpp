// ConvTranspose<Cout, K, Stride = 1, Padding = 0>: transposed 2-D convolution (PyTorch's
// ConvTranspose2d, no output padding): the gradient of Conv w.r.t. its input, used to upsample.
// Input (N, Cin, H, W) -> output (N, Cout, Ho, Wo), Ho = (H - 1) S - 2P + K (same for Wo).
// Parameters: weight (Cin, Cout, K, K), bias (Cout). Forward, per chunk of samples: one GEMM
// W^T x, then col2im. Backward: im2col of dout, then GEMMs for dweight and dinp (no cache).
// N batch, C channels, H height, W width
#pragma once

#include <algorithm>
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
        // Samples per GEMM + col2im step: about chunk_columns GEMM columns, so that a step's
        // columns stay in cache (one sample when its plane is large).
        static constexpr std::size_t chunk_columns = 256;
        static constexpr std::size_t chunk = plane >= chunk_columns ? 1 : chunk_columns / plane;

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
                reserve(batch);
                for (std::size_t n0 = 0; n0 < batch; n0 += chunk) {
                    const std::size_t nb = std::min(chunk, batch - n0), cols = nb * plane;
                    const T* x = channel_major(in + n0 * In::size, nb);
                    // col (Cout*K*K, nb*H*W) = weight^T (Cout*K*K, Cin) x x (Cin, nb*H*W); out = col2im(col)
                    B::gemm(true, false, taps, cols, Cin, T(1), m_weight, taps, x, cols, T(0), m_col.data(),
                            cols);
                    T* y = out + n0 * Cout * Ho * Wo;
                    B::col2im(m_col.data(), y, nb, geometry);
                    B::add_channel_bias(y, m_bias, nb, Cout, Ho * Wo);
                }
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                reserve(batch);
                B::sum_channels(dout, m_dbias, batch, Cout, Ho * Wo);
                for (std::size_t n0 = 0; n0 < batch; n0 += chunk) {
                    const std::size_t nb = std::min(chunk, batch - n0), cols = nb * plane;
                    // dcol (Cout*K*K, nb*H*W) = im2col(dout)
                    B::im2col(dout + n0 * Cout * Ho * Wo, m_col.data(), nb, geometry);
                    // dweight (Cin, Cout*K*K) += x (Cin, nb*H*W) x dcol^T
                    const T* x = channel_major(in + n0 * In::size, nb);
                    B::gemm(false, true, Cin, taps, cols, T(1), x, cols, m_col.data(), cols, T(1), m_dweight,
                            taps);
                    if (!dinp) continue;
                    // dx (Cin, nb*H*W) = weight (Cin, Cout*K*K) x dcol, then to (nb, Cin, H*W)
                    T* dx = chunk == 1 ? dinp + n0 * In::size : m_x.data();
                    B::gemm(false, false, Cin, cols, taps, T(1), m_weight, taps, m_col.data(), cols, T(0), dx,
                            cols);
                    if (chunk > 1) B::transpose_blocks(dx, dinp + n0 * In::size, Cin, nb, plane);
                }
            }

        private:
            // nb samples (nb, Cin, H*W) as the matrix (Cin, nb*H*W): as they are for one sample.
            const T* channel_major(const T* in, std::size_t nb) {
                if (chunk == 1) return in;
                B::transpose_blocks(in, m_x.data(), nb, Cin, plane);
                return m_x.data();
            }

            // Workspaces for one chunk of samples, sized on the first call.
            void reserve(std::size_t batch) {
                const std::size_t samples = std::min(chunk, batch);
                if (samples <= m_capacity) return;
                m_col = B::template allocate<T>(taps * samples * plane);
                if (chunk > 1) m_x = B::template allocate<T>(Cin * samples * plane);
                m_capacity = samples;
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
