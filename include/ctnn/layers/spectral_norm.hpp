// SpectralNorm<L>: L (Dense, Conv or ConvTranspose) with its weight divided by the weight's
// largest singular value (Miyato et al. 2018; torch.nn.utils.spectral_norm). Input and output
// shapes are L's. The weight is seen as a (rows, cols) matrix: Dense (out, in), Conv
// (Cout, Cin K K), ConvTranspose Cout by (Cin K K) (PyTorch's dim = 1). sigma = u . W v is
// estimated with one power iteration per training forward (v = normalize(W^T u), then
// u = normalize(W v)); evaluation uses the stored u and v. u and v are layer state
// ("weight_u", "weight_v": saved in checkpoints), the parameters "weight_orig" and "bias" as
// in PyTorch's state_dict. The gradient treats u and v as constants, as PyTorch does:
// dW = (G - (G . W_sn) u v^T) / sigma for the gradient G of the normalized weight W_sn.
#pragma once

#include <algorithm>
#include <array>
#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/layer_ops.hpp"
#include "ctnn/layers/conv.hpp"
#include "ctnn/layers/conv_transpose.hpp"
#include "ctnn/layers/dense.hpp"

namespace ctnn {

namespace detail {
template <class L>
inline constexpr bool spectral_normalizable_v = false;
template <std::size_t U>
inline constexpr bool spectral_normalizable_v<Dense<U>> = true;
template <std::size_t C, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool spectral_normalizable_v<Conv<C, K, S, P>> = true;
template <std::size_t C, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool spectral_normalizable_v<ConvTranspose<C, K, S, P>> = true;
template <class L>
inline constexpr bool is_conv_transpose_v = false;
template <std::size_t C, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool is_conv_transpose_v<ConvTranspose<C, K, S, P>> = true;
}  // namespace detail

template <class L, float Eps = 1e-12f>
struct SpectralNorm {
    static_assert(detail::spectral_normalizable_v<L>,
                  "SpectralNorm<L>: L must be Dense, Conv or ConvTranspose (a layer with one weight matrix)");
    static_assert(Eps > 0.0f, "SpectralNorm<L, Eps>: Eps must be positive");

    template <class In>
    struct bind {
        using inner = typename L::template bind<In>;
        using in_shape = typename inner::in_shape;
        using out_shape = typename inner::out_shape;
        static constexpr ParamSpec weight_spec = inner::params[0];
        static constexpr std::size_t weight_count = weight_spec.count();
        static constexpr std::size_t bias_count = inner::params[1].count();
        // The weight as a matrix: rows = output units (Dense, Conv: dims[0]; ConvTranspose: dims[1]).
        static constexpr bool permuted = detail::is_conv_transpose_v<L>;
        static constexpr std::size_t rows = permuted ? weight_spec.dims[1] : weight_spec.dims[0];
        static constexpr std::size_t cols = weight_count / rows;
        static constexpr std::size_t inner_size =
            weight_spec.rank == 4 ? weight_spec.dims[2] * weight_spec.dims[3] : 1;
        static constexpr SpectralGeometry geometry{rows, cols, inner_size, permuted};

        static constexpr std::string_view kind = inner::kind;
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight_orig", weight_spec.dims, weight_spec.rank, weight_spec.role, weight_spec.fan_in,
             weight_spec.fan_out},
            inner::params[1],
        }};
        static constexpr std::array<ParamSpec, 2> state{{
            {"weight_u", {rows}, 1, InitRole::unit_normal, 1, 1},
            {"weight_v", {cols}, 1, InitRole::unit_normal, 1, 1},
        }};
        static constexpr std::size_t param_count = inner::param_count;
        static constexpr std::size_t flops = inner::flops;
        static std::string name() { return "SpectralNorm<" + inner::name() + ">"; }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            impl()
                : m_normalized(B::template allocate<T>(param_count)),
                  m_normalized_grads(B::template allocate<T>(param_count)),
                  m_work(B::template allocate<T>(std::max(weight_count, std::max(rows, cols)))),
                  m_scratch(B::template allocate<T>(B::sum_scratch(weight_count))),
                  m_scalars(B::template allocate<T>(4)) {
                m_inner.bind_parameters(m_normalized.data(), m_normalized_grads.data());
            }

            void bind_parameters(T* params, T* grads) {
                m_weight = params;
                m_bias = params + weight_count;
                m_dweight = grads;
                m_dbias = grads + weight_count;
            }
            void bind_state(T* state) {
                m_u = state;
                m_v = state + rows;
            }

            void forward(const T* in, T* out, std::size_t batch, Mode mode) {
                B::template spectral_norm_forward<geometry>(m_weight, m_u, m_v, m_normalized.data(),
                                                            m_scalars.data(), m_work.data(), m_scratch.data(),
                                                            mode == Mode::train, static_cast<double>(Eps));
                B::copy(m_bias, m_normalized.data() + weight_count, bias_count);
                m_inner.forward(in, out, batch, mode);
            }

            void backward(const T* in, const T* out, const T* dout, T* dinp, std::size_t batch) {
                B::fill(m_normalized_grads.data(), param_count, T(0));
                m_inner.backward(in, out, dout, dinp, batch);
                B::template spectral_norm_backward<geometry>(m_normalized.data(), m_normalized_grads.data(),
                                                             m_u, m_v, m_scalars.data(), m_work.data(),
                                                             m_scratch.data(), m_dweight);
                B::add_row_vector(m_dbias, m_normalized_grads.data() + weight_count, 1, bias_count);
            }

            // The input gradient alone, through the normalized weight of the last forward.
            void backward_input(const T* dout, T* dinp, std::size_t batch) {
                m_inner.backward_input(dout, dinp, batch);
            }

          private:
            typename inner::template impl<B> m_inner;
            typename B::template buffer<T> m_normalized, m_normalized_grads, m_work, m_scratch, m_scalars;
            T* m_weight = nullptr;
            T* m_bias = nullptr;
            T* m_dweight = nullptr;
            T* m_dbias = nullptr;
            T* m_u = nullptr;
            T* m_v = nullptr;
        };
    };
};

}  // namespace ctnn
