// Sequential<Input<D...>, L1, L2, ...>: an architecture as a pure type. Each layer is bound to
// the previous layer's output shape at compile time, so output_shape, param_count and flops
// (forward multiply-adds per sample) are constants, and an impossible composition fails to
// compile at the layer that owns the rule. No storage, no backend: see Model for that.
// A Sequential is also a layer (a named block: using Block = Sequential<Input<16, 14, 14>, ...>),
// usable as an element of another Sequential where the shape reaching it is its Input's; its
// tensors are named under "block<k>." (checkpoints: "block1.conv1.weight").
#pragma once

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>

#include "ctnn/core/concepts.hpp"
#include "ctnn/nn/chain.hpp"

namespace ctnn {

namespace detail {
// Named in the diagnostics when a block's Input differs from the shape reaching it: the
// instantiation shows both shapes (Reaching, then the block's Input).
template <class Reaching, class BlockInput>
struct block_input_mismatch {
    static_assert(std::is_same_v<Reaching, BlockInput>,
                  "Sequential used as a block: its Input<...> must equal the shape reaching it");
    static constexpr bool value = true;
};
}  // namespace detail

template <class... Elements>
struct Sequential {
    static_assert(always_false<Sequential>,
                  "Sequential: the first element must be Input<...>, e.g. Sequential<Input<784>, Dense<10>>");
};

template <std::size_t... InputDims, class... Ls>
struct Sequential<Input<InputDims...>, Ls...> {
    using input_shape = typename Input<InputDims...>::shape;
    using layers = typename detail::bind_chain<0, input_shape, Ls...>::type;  // std::tuple of bound layers
    using output_shape = typename detail::bind_chain<0, input_shape, Ls...>::out_shape;
    static constexpr std::size_t depth = sizeof...(Ls);
    static constexpr std::size_t param_count = detail::chain_totals<layers>::param_count;
    static constexpr std::size_t flops = detail::chain_totals<layers>::flops;

    template <std::size_t I>
    using layer = std::tuple_element_t<I, layers>;

    // As an element of another Sequential: a block bound to the shape reaching it.
    static constexpr std::string_view kind = "block";
    static std::string name() { return "Block<" + detail::Chain<Sequential, input_shape, Ls...>::inner_names() + ">"; }
    template <class In>
    struct bind : detail::Chain<Sequential, input_shape, Ls...> {
        static_assert(detail::block_input_mismatch<In, input_shape>::value);
    };

    // A readable description of the architecture; checkpoints store it to refuse a mismatch.
    static std::string fingerprint() {
        std::string text = "Input" + input_shape::to_string();
        for_each_layer([&text]<class L>() { text += " -> " + L::name(); });
        return text;
    }

    // Calls f.template operator()<BoundLayer>() for every layer in order.
    template <class F>
    static constexpr void for_each_layer(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f.template operator()<layer<I>>(), ...);
        }(std::make_index_sequence<depth>{});
    }
};

template <class T>
struct is_sequential : std::false_type {};
template <class... E>
struct is_sequential<Sequential<E...>> : std::true_type {};

}  // namespace ctnn
