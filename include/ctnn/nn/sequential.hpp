// Sequential<Input<D...>, L1, L2, ...>: an architecture as a pure type. Each layer is bound to
// the previous layer's output shape at compile time, so output_shape, param_count and flops
// (forward multiply-adds per sample) are constants, and an impossible composition fails to
// compile at the layer that owns the rule. No storage, no backend: see Model for that.
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

namespace ctnn {

namespace detail {

// Binds element Index (a layer spec L) to input shape In. Appears in the compiler's
// "required from" notes, so a failing layer is named with its position in the Sequential.
template <std::size_t Index, class L, class In>
struct sequential_layer {
    static_assert(requires { typename L::template bind<In>; },
                  "Sequential: this element is not a layer (a layer spec has a member template bind<Shape>)");
    using type = typename L::template bind<In>;
    static_assert(BoundLayer<type>, "Sequential: this layer does not satisfy the ctnn::BoundLayer contract");
};

template <std::size_t Index, class In, class... Ls>
struct bind_chain {
    using type = std::tuple<>;
    using out_shape = In;
};

template <std::size_t Index, class In, class L, class... Rest>
struct bind_chain<Index, In, L, Rest...> {
    using bound = typename sequential_layer<Index, L, In>::type;
    using rest = bind_chain<Index + 1, typename bound::out_shape, Rest...>;
    using type = decltype(std::tuple_cat(std::declval<std::tuple<bound>>(), std::declval<typename rest::type>()));
    using out_shape = typename rest::out_shape;
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
        for (std::size_t at; (at = spelled.find(prefix)) != std::string::npos;) spelled.erase(at, prefix.size());
    for (std::size_t at; (at = spelled.find("> >")) != std::string::npos;) spelled.erase(at + 1, 1);
    // GCC writes float arguments as 2.00000003e-1f: back to the shortest spelling, 0.2f.
    std::string out;
    for (std::size_t i = 0; i < spelled.size();) {
        const bool starts_number = std::isdigit(static_cast<unsigned char>(spelled[i])) &&
                                   (i == 0 || !std::isalnum(static_cast<unsigned char>(spelled[i - 1])));
        std::size_t j = i;
        while (starts_number && j < spelled.size() && std::string_view("0123456789.e+-").find(spelled[j]) != std::string_view::npos)
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

template <class Tuple>
struct chain_totals;
template <class... Bound>
struct chain_totals<std::tuple<Bound...>> {
    static constexpr std::size_t param_count = (std::size_t{0} + ... + Bound::param_count);
    static constexpr std::size_t flops = (std::size_t{0} + ... + Bound::flops);
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
        }(std::make_index_sequence<depth>{});
    }
};

template <class T>
struct is_sequential : std::false_type {};
template <class... E>
struct is_sequential<Sequential<E...>> : std::true_type {};

}  // namespace ctnn
