// Elementwise<Op>: the bound form shared by activation layers. Op supplies, per element,
// forward(x) -> y and derivative(x, y) -> dy/dx; shape is preserved, no parameters. The
// backend runs them (B::activation_forward<Op>, B::activation_backward<Op>): each Op's functions
// are constexpr or CTNN_HD, usable in GPU per-element bodies too.
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"

namespace ctnn::detail {

template <class Op, class In>
struct ElementwiseLayer : NoParams {
    using in_shape = In;
    using out_shape = In;
    using op = Op;
    static constexpr std::string_view kind = Op::kind;
    static constexpr std::size_t flops = 0;
    static std::string name() { return Op::name(); }

    template <class B>
    class impl {
      public:
        using T = typename B::value_type;

        void forward(const T* in, T* out, std::size_t batch, Mode) {
            B::template activation_forward<Op>(in, out, batch * In::size);
        }

        void backward(const T* in, const T* out, const T* dout, T* dinp, std::size_t batch) {
            if (!dinp) return;
            B::template activation_backward<Op>(in, out, dout, dinp, batch * In::size);
        }
    };
};

}  // namespace ctnn::detail
