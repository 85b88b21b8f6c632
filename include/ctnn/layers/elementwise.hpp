// Elementwise<Op>: the bound form shared by activation layers. Op supplies, per element,
// forward(x) -> y and derivative(x, y) -> dy/dx; shape is preserved, no parameters.
// Each Op's bodies are plain constexpr functions, usable as GPU per-element bodies too.
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"

namespace ctnn::detail {

template <class Op, class In>
struct ElementwiseLayer : NoParams {
    using in_shape = In;
    using out_shape = In;
    static constexpr std::string_view kind = Op::kind;
    static constexpr std::size_t flops = 0;
    static std::string name() { return Op::name(); }

    template <class B>
    class impl {
    public:
        using T = typename B::value_type;

        void forward(const T* in, T* out, std::size_t batch, Mode) {
            B::for_each(batch * In::size, [in, out] CTNN_HD(std::size_t i) { out[i] = Op::forward(in[i]); });
        }

        void backward(const T* in, const T* out, const T* dout, T* dinp, std::size_t batch) {
            if (!dinp) return;
            B::for_each(batch * In::size, [in, out, dout, dinp] CTNN_HD(std::size_t i) {
                dinp[i] = dout[i] * Op::derivative(in[i], out[i]);
            });
        }
    };
};

}  // namespace ctnn::detail
