// Compile-time tensor shapes: Shape<Dims...> is the per-sample shape of a tensor (the batch
// size is a run-time value and never part of it). Input<Dims...> opens a Sequential.
// Shape algebra used by the layers (convolution output sizes, ...) lives here too.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

template <std::size_t... Dims>
struct Shape {
    static constexpr std::size_t rank = sizeof...(Dims);
    static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
    static constexpr std::array<std::size_t, rank> dims{Dims...};

    // "(1, 28, 28)"
    static std::string to_string() {
        std::string text = "(";
        std::size_t index = 0;
        ((text += (index++ ? ", " : "") + std::to_string(Dims)), ...);
        return text + ")";
    }
};

template <class S>
struct is_shape : std::false_type {};
template <std::size_t... Dims>
struct is_shape<Shape<Dims...>> : std::true_type {};

template <class S>
concept ShapeType = is_shape<S>::value;

// Dimension I of a shape, as a constant.
template <ShapeType S, std::size_t I>
inline constexpr std::size_t dim_v = S::dims[I];

// Spatial output size of a sliding window (convolution, pooling):
// floor((input + 2 * padding - kernel) / stride) + 1, or 0 when the window does not fit.
constexpr std::size_t window_output(std::size_t input, std::size_t kernel, std::size_t stride,
                                    std::size_t padding = 0) {
    return input + 2 * padding < kernel ? 0 : (input + 2 * padding - kernel) / stride + 1;
}

template <class T>
inline constexpr bool always_false = false;

// The first element of every Sequential: the shape of one sample.
template <std::size_t... Dims>
struct Input {
    static_assert(sizeof...(Dims) > 0,
                  "Input: give at least one dimension, e.g. Input<784> or Input<1, 28, 28>");
    static_assert(((Dims > 0) && ...), "Input: every dimension must be positive");
    using shape = Shape<Dims...>;

    // Reached only when Input appears after the first position of a Sequential.
    template <class In>
    struct bind {
        static_assert(always_false<In>, "Input: Input<...> may only be the first element of a Sequential");
    };
};

}  // namespace ctnn
