// Softmax: y_k = exp(x_k - max x) / sum_j exp(x_j - max x) over the features of each sample.
// Input (N, K) -> output (N, K), no parameters. Backward: dx_k = y_k (dy_k - sum_j dy_j y_j).
// For training a classifier prefer raw logits with SoftmaxCrossEntropy (fused and stable).
#pragma once

#include <cmath>
#include <string>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

struct Softmax {
    template <class In>
    struct bind : NoParams {
        static_assert(In::rank == 1, "Softmax: input must be flat (Shape<K>); put Flatten before Softmax");
        using in_shape = In;
        using out_shape = In;
        static constexpr std::string_view kind = "softmax";
        static constexpr std::size_t flops = 0;
        static std::string name() { return "Softmax"; }

        template <class B>
        class impl {
        public:
            using T = typename B::value_type;
            static constexpr std::size_t K = In::size;

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::for_each(batch, [in, out] CTNN_HD(std::size_t n) {
                    const T* x = in + n * K;
                    T* y = out + n * K;
                    T max = x[0];
                    for (std::size_t k = 1; k < K; ++k) max = x[k] > max ? x[k] : max;
                    T total = 0;
                    for (std::size_t k = 0; k < K; ++k) total += (y[k] = std::exp(x[k] - max));
                    for (std::size_t k = 0; k < K; ++k) y[k] /= total;
                });
            }

            void backward(const T*, const T* out, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                B::for_each(batch, [out, dout, dinp] CTNN_HD(std::size_t n) {
                    const T* y = out + n * K;
                    const T* dy = dout + n * K;
                    T dot = 0;
                    for (std::size_t k = 0; k < K; ++k) dot += dy[k] * y[k];
                    for (std::size_t k = 0; k < K; ++k) dinp[n * K + k] = y[k] * (dy[k] - dot);
                });
            }
        };
    };
};

}  // namespace ctnn
