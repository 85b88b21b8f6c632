// Conv<Cout, K, Stride = 1, Padding = 0>: 2-D convolution (cross-correlation, PyTorch's Conv2d).
// Input (N, Cin, H, W) -> output (N, Cout, Ho, Wo), Ho = (H + 2P - K) / S + 1 (same for Wo).
// Parameters: weight (Cout, Cin, K, K), bias (Cout). Forward, per chunk of samples: im2col into
// (Cin*K*K, n*Ho*Wo), one GEMM with the weight, a permute to NCHW plus bias. Backward reuses
// the training forward's columns (cached for the whole batch) for dweight and col2im's
// W^T dout for dinp. Eval-mode forward keeps one chunk's columns only.
// N batch, C channels, H height, W width
#pragma once

#include <algorithm>
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
        // Samples per im2col + GEMM step: about chunk_columns GEMM columns, so that a step's
        // columns stay in cache while the GEMM reads them (one sample when its plane is large).
        static constexpr std::size_t chunk_columns = 128;
        static constexpr std::size_t chunk = plane == 0 || plane >= chunk_columns ? 1 : chunk_columns / plane;

        using in_shape = In;
        using out_shape = Shape<Cout, Ho, Wo>;
        static constexpr std::string_view kind = "conv";
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {Cout, Cin, K, K}, 4, InitRole::weight, fan_in, Cout * K * K},
            {"bias", {Cout}, 1, InitRole::bias, fan_in, Cout * K * K},
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

            // Training keeps every chunk's columns for backward; eval needs only one chunk's.
            void forward(const T* in, T* out, std::size_t batch, Mode mode) {
                const bool keep = mode == Mode::train;
                reserve(keep ? batch : std::min(chunk, batch));
                for (std::size_t n0 = 0; n0 < batch; n0 += chunk) {
                    const std::size_t nb = std::min(chunk, batch - n0), cols = nb * plane;
                    T* col = m_col.data() + (keep ? n0 * fan_in * plane : 0);
                    T* y = out + n0 * Cout * plane;
                    B::im2col(in + n0 * In::size, col, nb, geometry);
                    // (Cout, nb*Ho*Wo) = weight (Cout, Cin*K*K) x col (Cin*K*K, nb*Ho*Wo), then to NCHW
                    T* y_cm = chunk == 1 ? y : m_tmp.data();
                    B::gemm(false, false, Cout, cols, fan_in, T(1), m_weight, fan_in, col, cols, T(0), y_cm,
                            cols);
                    if (chunk > 1) B::transpose_blocks(y_cm, y, Cout, nb, plane);
                    B::add_channel_bias(y, m_bias, nb, Cout, plane);
                }
                m_col_input = keep ? in : nullptr;
                m_col_batch = batch;
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                B::sum_channels(dout, m_dbias, batch, Cout, plane);
                // The training forward's columns, unless another input ran through since (then
                // each chunk's columns are made again, in one chunk's space).
                const bool cached = m_col_input == in && m_col_batch == batch;
                if (!cached) reserve(std::min(chunk, batch));
                if (dinp) m_col_input = nullptr;  // the column buffer will hold dcol
                for (std::size_t n0 = 0; n0 < batch; n0 += chunk) {
                    const std::size_t nb = std::min(chunk, batch - n0), cols = nb * plane;
                    T* col = m_col.data() + (cached ? n0 * fan_in * plane : 0);
                    const T* dy = dout + n0 * Cout * plane;
                    if (!cached) B::im2col(in + n0 * In::size, col, nb, geometry);
                    // dy as (Cout, nb*Ho*Wo)
                    const T* dy_cm = dy;
                    if (chunk > 1) {
                        B::transpose_blocks(dy, m_tmp.data(), nb, Cout, plane);
                        dy_cm = m_tmp.data();
                    }
                    // dweight (Cout, Cin*K*K) += dy (Cout, nb*Ho*Wo) x col^T
                    B::gemm(false, true, Cout, fan_in, cols, T(1), dy_cm, cols, col, cols, T(1), m_dweight,
                            fan_in);
                    if (!dinp) continue;
                    // dcol = weight^T dy, into the column buffer; dinp = col2im(dcol)
                    B::gemm(true, false, fan_in, cols, Cout, T(1), m_weight, fan_in, dy_cm, cols, T(0), col,
                            cols);
                    B::col2im(col, dinp + n0 * In::size, nb, geometry);
                }
            }

        private:
            // Columns for `samples` samples (and one chunk's GEMM output), grown only when more
            // are asked for: a steady state allocates nothing.
            void reserve(std::size_t samples) {
                if (samples <= m_capacity) return;
                m_col = B::template allocate<T>(fan_in * samples * plane);
                if (chunk > 1) m_tmp = B::template allocate<T>(Cout * std::min(chunk, samples) * plane);
                m_capacity = samples;
                m_col_input = nullptr;
            }

            T* m_weight = nullptr;
            T* m_bias = nullptr;
            T* m_dweight = nullptr;
            T* m_dbias = nullptr;
            typename B::template buffer<T> m_col, m_tmp;
            std::size_t m_capacity = 0;
            const T* m_col_input = nullptr;  // the input m_col holds the columns of, if any
            std::size_t m_col_batch = 0;
        };
    };
};

}  // namespace ctnn
