// Flatten and Reshape<Dims...>: reinterpret each sample's elements under a new shape.
// Flatten: (N, C, H, W) -> (N, C*H*W). Reshape<D...>: (N, ...) -> (N, D...), same size.
// No parameters; forward and backward copy the elements unchanged (row-major order).
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

namespace detail {
template <class In, class Out, class Named>
struct ReshapeLayer : NoParams {
    using in_shape = In;
    using out_shape = Out;
    static constexpr std::string_view kind = Named::kind;
    static constexpr std::size_t flops = 0;
    static std::string name() { return Named::name(); }

    template <class B>
    class impl {
      public:
        using T = typename B::value_type;
        void forward(const T* in, T* out, std::size_t batch, Mode) { B::copy(in, out, batch * In::size); }
        void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
            if (dinp) B::copy(dout, dinp, batch * In::size);
        }
    };
};
}  // namespace detail

struct Flatten {
    static constexpr std::string_view kind = "flatten";
    static std::string name() { return "Flatten"; }
    template <class In>
    using bind = detail::ReshapeLayer<In, Shape<In::size>, Flatten>;
};

template <std::size_t... Dims>
struct Reshape {
    static_assert(sizeof...(Dims) > 0, "Reshape<Dims...>: give at least one dimension");
    static_assert(((Dims > 0) && ...), "Reshape<Dims...>: every dimension must be positive");
    static constexpr std::string_view kind = "reshape";
    static std::string name() { return "Reshape" + Shape<Dims...>::to_string(); }

    template <class In>
    struct bind : detail::ReshapeLayer<In, Shape<Dims...>, Reshape> {
        static_assert(In::size == Shape<Dims...>::size,
                      "Reshape: the new shape must hold exactly as many elements as the input");
    };
};

}  // namespace ctnn
