// summary<Net>(): a per-layer table of a Sequential, like torchsummary: index, layer, output
// shape (per sample), parameters and forward multiply-adds, then the totals. A block (Residual, a
// nested Sequential) is a row of its own followed by its layers, indented and numbered under it
// ("3.0", "3.1", ...; a Residual's projection as "3.s" and "3.s.0", ...). A name longer than its
// column widens that row; nothing is cut.
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctnn/nn/sequential.hpp"  // it walks a Sequential: nn/, not core/

namespace ctnn {

namespace detail {
inline std::string with_separators(std::size_t value) {
    std::string digits = std::to_string(value), text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) text += ',';
        text += digits[i];
    }
    return text;
}
inline std::string padded(std::string text, std::size_t width, bool right_aligned = false) {
    if (text.size() >= width) return text;
    const std::string fill(width - text.size(), ' ');
    return right_aligned ? fill + text : text + fill;
}
inline std::string summary_row(const std::string& index, const std::string& layer, const std::string& shape,
                               const std::string& params, const std::string& flops) {
    std::string line = padded(index, 6) + " " + padded(layer, 34) + " " + padded(shape, 18) + " " +
                       padded(params, 12, true) + " " + padded(flops, 14, true);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
}

template <class L>
std::string layer_row(const std::string& index, const std::string& layer) {
    return summary_row(index, layer, L::out_shape::to_string(), with_separators(L::param_count),
                       with_separators(L::flops));
}

template <class L>
void summary_rows(std::string& text, const std::string& index, const std::string& indent);

template <class Layers>
void summary_chain(std::string& text, const std::string& prefix, const std::string& indent) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (summary_rows<std::tuple_element_t<I, Layers>>(text, prefix + std::to_string(I), indent), ...);
    }
    (std::make_index_sequence<std::tuple_size_v<Layers>>{});
}

template <class L>
void summary_rows(std::string& text, const std::string& index, const std::string& indent) {
    if constexpr (L::kind == std::string_view("residual")) {
        text += layer_row<L>(index, indent + "Residual");
        summary_chain<typename L::branch::sublayers>(text, index + ".", indent + "  ");
        if constexpr (!std::is_void_v<typename L::shortcut>) {
            using Projection = typename L::shortcut;
            text += layer_row<Projection>(index + ".s", indent + "  Shortcut");
            summary_chain<typename Projection::sublayers>(text, index + ".s.", indent + "    ");
        }
    } else if constexpr (requires { typename L::sublayers; }) {
        text += layer_row<L>(index, indent + "Block");
        summary_chain<typename L::sublayers>(text, index + ".", indent + "  ");
    } else {
        text += layer_row<L>(index, indent + L::name());
    }
}

}  // namespace detail

template <class Net>
std::string summary() {
    const std::string rule(88, '-');
    std::string text = rule + "\n" + detail::summary_row("#", "Layer", "Output shape", "Params", "Mult-adds");
    text += rule + "\n" + detail::summary_row("", "Input", Net::input_shape::to_string(), "", "");
    detail::summary_chain<typename Net::layers>(text, "", "");
    text += rule + "\n";
    text += "Total params: " + detail::with_separators(Net::param_count) + "\n";
    text += "Forward mult-adds per sample: " + detail::with_separators(Net::flops) + "\n";
    text += "Parameter memory (fp32): " + std::to_string(Net::param_count * 4 / 1024) + " KiB\n";
    return text + rule + "\n";
}

}  // namespace ctnn
