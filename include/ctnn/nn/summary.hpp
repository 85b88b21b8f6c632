// summary<Net>(): a per-layer table of a Sequential, like torchsummary: index, layer, output
// shape (per sample), parameters and forward multiply-adds, then the totals.
#pragma once

#include <cstdio>
#include <string>

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
inline std::string summary_row(const std::string& index, const std::string& layer, const std::string& shape,
                               const std::string& params, const std::string& flops) {
    char line[160];
    std::snprintf(line, sizeof line, "%-5s %-28s %-18s %12s %14s\n", index.c_str(), layer.c_str(),
                  shape.c_str(), params.c_str(), flops.c_str());
    return line;
}
}  // namespace detail

template <class Net>
std::string summary() {
    const std::string rule(81, '-');
    std::string text = rule + "\n" + detail::summary_row("#", "Layer", "Output shape", "Params", "Mult-adds");
    text += rule + "\n" + detail::summary_row("", "Input", Net::input_shape::to_string(), "", "");
    std::size_t index = 0;
    Net::for_each_layer([&]<class L>() {
        text +=
            detail::summary_row(std::to_string(index++), L::name(), L::out_shape::to_string(),
                                detail::with_separators(L::param_count), detail::with_separators(L::flops));
    });
    text += rule + "\n";
    text += "Total params: " + detail::with_separators(Net::param_count) + "\n";
    text += "Forward mult-adds per sample: " + detail::with_separators(Net::flops) + "\n";
    text += "Parameter memory (fp32): " + std::to_string(Net::param_count * 4 / 1024) + " KiB\n";
    return text + rule + "\n";
}

}  // namespace ctnn
