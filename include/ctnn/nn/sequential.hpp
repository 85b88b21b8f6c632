// Sequential<Input<D...>, L1, L2, ...>: an architecture as a pure type. Each layer is bound to
// the previous layer's output shape at compile time, so output_shape, param_count and flops
// (forward multiply-adds per sample) are constants, and an impossible composition fails to
// compile at the layer that owns the rule. No storage, no backend: see Model for that.
// A Sequential is also a layer (a named block: using Block = Sequential<Input<16, 14, 14>, ...>),
// usable as an element of another Sequential where the shape reaching it is its Input's; its
// tensors are named under "block<k>." (checkpoints: "block1.conv1.weight").
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
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

// T spelled as the compiler spells it (GCC's and Clang's __PRETTY_FUNCTION__), ctnn:: dropped:
// "Conv<6, 5, 1, 0>" (defaults written out).
template <class T>
std::string spelled_type() {
    const std::string_view text = __PRETTY_FUNCTION__;
    const std::size_t start = text.find("T = ");
    if (start == std::string_view::npos) return "?";
    std::size_t end = start + 4;
    for (int depth = 0; end < text.size(); ++end) {
        const char c = text[end];
        if (c == '<') ++depth;
        if (c == '>') --depth;
        if (depth == 0 && (c == ';' || c == ']')) break;
    }
    std::string spelled(text.substr(start + 4, end - start - 4));
    for (const std::string_view prefix : {"ctnn::models::", "ctnn::detail::", "ctnn::"})
        for (std::size_t at; (at = spelled.find(prefix)) != std::string::npos;)
            spelled.erase(at, prefix.size());
    for (std::size_t at; (at = spelled.find("> >")) != std::string::npos;) spelled.erase(at + 1, 1);
    // GCC writes float arguments as 2.00000003e-1f: back to the shortest spelling, 0.2f.
    std::string out;
    for (std::size_t i = 0; i < spelled.size();) {
        const bool starts_number = std::isdigit(static_cast<unsigned char>(spelled[i])) &&
                                   (i == 0 || !std::isalnum(static_cast<unsigned char>(spelled[i - 1])));
        std::size_t j = i;
        while (starts_number && j < spelled.size() &&
               std::string_view("0123456789.e+-").find(spelled[j]) != std::string_view::npos)
            ++j;
        if (starts_number && j < spelled.size() && spelled[j] == 'f' && spelled.find('e', i) < j) {
            char text[32];
            std::snprintf(text, sizeof text, "%gf", std::strtod(spelled.substr(i, j - i).c_str(), nullptr));
            out += text;
            i = j + 1;
        } else {
            out += spelled[i++];
        }
    }
    return out;
}

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
    static std::string name() {
        return "Block<" + detail::Chain<Sequential, input_shape, Ls...>::inner_names() + ">";
    }
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

    // The architecture spelled as its C++ type, "Sequential<Input<1, 28, 28>, Pad<2>, ...>"
    // (checkpoints store it for people and tools; loading compares fingerprint()).
    static std::string type_name() {
        std::string text = "Sequential<" + detail::spelled_type<Input<InputDims...>>();
        ((text += ", " + detail::spelled_type<Ls>()), ...);
        return text + ">";
    }

    // Calls f.template operator()<BoundLayer>() for every layer in order.
    template <class F>
    static constexpr void for_each_layer(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f.template operator()<layer<I>>(), ...);
        }
        (std::make_index_sequence<depth>{});
    }
};

template <class T>
struct is_sequential : std::false_type {};
template <class... E>
struct is_sequential<Sequential<E...>> : std::true_type {};

}  // namespace ctnn
