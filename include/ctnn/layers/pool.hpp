// AvgPool<K, Stride = K> and MaxPool<K, Stride = K>: 2-D pooling over K x K windows, no padding
// (PyTorch's AvgPool2d / MaxPool2d, ceil_mode off). Input (N, C, H, W) -> output (N, C, Ho, Wo),
// Ho = (H - K) / Stride + 1. No parameters. AvgPool's backward spreads dout / K^2 over each
// window; MaxPool caches the argmax of every window in forward and routes dout to it.
// Kernels run one row per body, so the inner loop is over a contiguous row; no two bodies
// write the same element (no races when they run in parallel).
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

    // The window positions (oh or ow) whose window covers input row/column x: [lo, hi).
    static constexpr std::size_t first_window(std::size_t x) { return x < K ? 0 : (x - K) / step + 1; }
    static constexpr std::size_t end_window(std::size_t x, std::size_t count) {
        return x / step + 1 < count ? x / step + 1 : count;
    }
    // Windows that do not overlap (Stride >= K): each input pixel lies in at most one.
    static constexpr bool disjoint = step >= K;
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
            static constexpr std::size_t H = S::H, W = S::W, Ho = S::Ho, Wo = S::Wo;
            static constexpr T scale = T(1) / T(K * K);

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                for_each_weighted<B>(batch * S::C * Ho, K * W, [in, out] CTNN_HD(std::size_t r) {  // output row (n, c, oh)
                    const T* src = in + (r / Ho * H + r % Ho * Stride) * W;
                    T* dst = out + r * Wo;
                    for (std::size_t ow = 0; ow < Wo; ++ow) {
                        T total = 0;
                        for (std::size_t kh = 0; kh < K; ++kh)
                            for (std::size_t kw = 0; kw < K; ++kw) total += src[kh * W + ow * Stride + kw];
                        dst[ow] = total * scale;
                    }
                });
            }

            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                if constexpr (S::disjoint) {
                    // One body per window row oh: it owns input rows [oh*S, (oh+1)*S) (the last one
                    // up to H), zeroes them and spreads each window's dout over the window.
                    for_each_weighted<B>(batch * S::C * Ho, K * W, [dout, dinp] CTNN_HD(std::size_t r) {
                        const std::size_t oh = r % Ho, first = oh * Stride,
                                          end = oh + 1 == Ho ? H : first + Stride;
                        T* plane = dinp + r / Ho * H * W;
                        for (std::size_t i = first * W; i < end * W; ++i) plane[i] = T(0);
                        for (std::size_t kh = 0; kh < K; ++kh) {
                            T* row = plane + (first + kh) * W;
                            for (std::size_t ow = 0; ow < Wo; ++ow)
                                for (std::size_t kw = 0; kw < K; ++kw)
                                    row[ow * Stride + kw] = dout[r * Wo + ow] * scale;
                        }
                    });
                } else {  // overlapping windows: a gather per input row
                    for_each_weighted<B>(batch * S::C * H, K * W, [dout, dinp] CTNN_HD(std::size_t r) {
                        const std::size_t plane = r / H, h = r % H;
                        for (std::size_t w = 0; w < W; ++w) {
                            T total = 0;
                            for (std::size_t oh = S::first_window(h); oh < S::end_window(h, Ho); ++oh)
                                for (std::size_t ow = S::first_window(w); ow < S::end_window(w, Wo); ++ow)
                                    total += dout[(plane * Ho + oh) * Wo + ow];
                            dinp[r * W + w] = total * scale;
                        }
                    });
                }
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
                index_type* argmax = m_argmax.data();
                // One body per output row (n, c, oh).
                for_each_weighted<B>(batch * S::C * Ho, K * W, [in, out, argmax] CTNN_HD(std::size_t r) {
                    const std::size_t top = r % Ho * Stride;
                    const T* src = in + r / Ho * H * W;
                    for (std::size_t ow = 0; ow < Wo; ++ow) {
                        std::size_t best_at = top * W + ow * Stride;
                        T best = src[best_at];
                        for (std::size_t kh = 0; kh < K; ++kh)
                            for (std::size_t kw = 0; kw < K; ++kw) {
                                const std::size_t at = (top + kh) * W + ow * Stride + kw;
                                const T value = src[at];
                                if (value != value) {  // NaN: rare, so a predictable branch
                                    best = value;
                                    best_at = at;
                                    continue;
                                }
                                // Branch-free on random data: a mask for the index, a max for the value.
                                const std::size_t mask = std::size_t(0) - std::size_t(value > best);
                                best_at = (at & mask) | (best_at & ~mask);
                                best = value > best ? value : best;
                            }
                        out[r * Wo + ow] = best;
                        argmax[r * Wo + ow] = static_cast<index_type>(best_at);
                    }
                });
            }

            // Each input pixel gets the sum of dout over the windows whose argmax it is.
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                const index_type* argmax = m_argmax.data();
                if constexpr (S::disjoint) {
                    // One body per window row oh: it owns input rows [oh*S, (oh+1)*S) (the last one
                    // up to H), zeroes them and writes each window's dout at its argmax.
                    for_each_weighted<B>(batch * S::C * Ho, K * W, [dout, dinp, argmax] CTNN_HD(std::size_t r) {
                        const std::size_t oh = r % Ho, first = oh * Stride,
                                          end = oh + 1 == Ho ? H : first + Stride;
                        T* plane = dinp + r / Ho * H * W;
                        for (std::size_t i = first * W; i < end * W; ++i) plane[i] = T(0);
                        for (std::size_t o = r * Wo; o < (r + 1) * Wo; ++o) plane[argmax[o]] = dout[o];
                    });
                } else {  // overlapping windows: a gather per input row
                    for_each_weighted<B>(batch * S::C * H, K * W, [dout, dinp, argmax] CTNN_HD(std::size_t r) {
                        const std::size_t plane = r / H, h = r % H;
                        for (std::size_t w = 0; w < W; ++w) {
                            T total = 0;
                            for (std::size_t oh = S::first_window(h); oh < S::end_window(h, Ho); ++oh)
                                for (std::size_t ow = S::first_window(w); ow < S::end_window(w, Wo); ++ow) {
                                    const std::size_t o = (plane * Ho + oh) * Wo + ow;
                                    if (argmax[o] == h * W + w) total += dout[o];
                                }
                            dinp[r * W + w] = total;
                        }
                    });
                }
            }

        private:
            typename B::template buffer<index_type> m_argmax;
            std::size_t m_capacity = 0;
        };
    };
};

}  // namespace ctnn
