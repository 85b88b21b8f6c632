// AvgPool<K, Stride = K> and MaxPool<K, Stride = K>: 2-D pooling over K x K windows, no padding
// (PyTorch's AvgPool2d / MaxPool2d, ceil_mode off). Input (N, C, H, W) -> output (N, C, Ho, Wo),
// Ho = (H - K) / Stride + 1. No parameters. AvgPool's backward spreads dout / K^2 over each
// window; MaxPool caches the argmax of every window in forward and routes dout to it.
// The backend runs them (B::avg_pool_forward / backward, B::max_pool_forward / backward over a
// PoolGeometry).
// N batch, C channels, H height, W width
#pragma once

#include <cstdint>
#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn {

namespace detail {

// The shape rules and sizes both poolings share; Named supplies the layer's name in messages.
template <class In, std::size_t K, std::size_t Stride, class Named>
struct PoolShape : NoParams {
    static constexpr std::size_t step = Stride ? Stride : 1;  // keeps Stride = 0 to its one error
    static constexpr std::size_t C = image_dim<In>(0), H = image_dim<In>(1), W = image_dim<In>(2);
    static constexpr std::size_t Ho = window_output(H, K, step), Wo = window_output(W, K, step);
    using in_shape = In;
    using out_shape = Shape<C, Ho, Wo>;
    static constexpr std::string_view kind = Named::kind;
    static constexpr std::size_t flops = 0;  // multiply-adds with parameters: none
    static std::string name() { return window_layer_name(Named::title, "", K, Stride, K, 0); }

    static constexpr PoolGeometry geometry{C, H, W, K, step};
};

}  // namespace detail

template <std::size_t K, std::size_t Stride = K>
struct AvgPool {
    static_assert(K > 0, "AvgPool<K, Stride>: the window size K must be positive");
    static_assert(Stride > 0, "AvgPool<K, Stride>: Stride must be positive");
    static constexpr std::string_view kind = "avgpool";
    static constexpr std::string_view title = "AvgPool";

    template <class In>
    struct bind : detail::PoolShape<In, K, Stride, AvgPool> {
        using S = detail::PoolShape<In, K, Stride, AvgPool>;
        static_assert(In::rank == 3, "AvgPool: input must be (C, H, W); put Reshape<C, H, W> before it");
        static_assert(In::rank != 3 || (S::H >= K && S::W >= K), "AvgPool: window larger than the input");

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::template avg_pool_forward<S::geometry>(in, out, batch);
            }

            // Overwrites dinp: each pixel gets dout / K^2 summed over the windows covering it.
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                B::template avg_pool_backward<S::geometry>(dout, dinp, batch);
            }
        };
    };
};

template <std::size_t K, std::size_t Stride = K>
struct MaxPool {
    static_assert(K > 0, "MaxPool<K, Stride>: the window size K must be positive");
    static_assert(Stride > 0, "MaxPool<K, Stride>: Stride must be positive");
    static constexpr std::string_view kind = "maxpool";
    static constexpr std::string_view title = "MaxPool";

    template <class In>
    struct bind : detail::PoolShape<In, K, Stride, MaxPool> {
        using S = detail::PoolShape<In, K, Stride, MaxPool>;
        static_assert(In::rank == 3, "MaxPool: input must be (C, H, W); put Reshape<C, H, W> before it");
        static_assert(In::rank != 3 || (S::H >= K && S::W >= K), "MaxPool: window larger than the input");

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;
            using index_type = std::uint32_t;  // argmax within its (H, W) plane
            static constexpr std::size_t H = S::H, W = S::W, Ho = S::Ho, Wo = S::Wo;
            static_assert(H * W <= UINT32_MAX, "MaxPool: input plane too large for 32-bit argmax indices");

            // The first maximum of each window in row-major order (the last NaN, if any), as PyTorch.
            void forward(const T* in, T* out, std::size_t batch, Mode) {
                if (batch > m_capacity) {
                    m_argmax = B::template allocate<index_type>(batch * S::C * Ho * Wo);
                    m_capacity = batch;
                }
                B::template max_pool_forward<S::geometry>(in, out, m_argmax.data(), batch);
            }

            // Each input pixel gets the sum of dout over the windows whose argmax it is.
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                B::template max_pool_backward<S::geometry>(dout, m_argmax.data(), dinp, batch);
            }

          private:
            typename B::template buffer<index_type> m_argmax;
            std::size_t m_capacity = 0;
        };
    };
};

}  // namespace ctnn
