// Softmax: y_k = exp(x_k - max x) / sum_j exp(x_j - max x) over the features of each sample.
// Input (N, K) -> output (N, K), no parameters. Backward: dx_k = y_k (dy_k - sum_j dy_j y_j).
// For training a classifier prefer raw logits with SoftmaxCrossEntropy (fused and stable).
#pragma once

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

            void forward(const T* in, T* out, std::size_t batch, Mode) { B::softmax_rows(in, out, batch, K); }

            void backward(const T*, const T* out, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                B::softmax_rows_backward(out, dout, dinp, batch, K);
            }
        };
    };
};

}  // namespace ctnn
