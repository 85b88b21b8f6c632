// Activation layers, element-wise, shape (N, ...) -> (N, ...), no parameters:
// ReLU, LeakyReLU<Slope> (default 0.01), Tanh, Sigmoid. Backward uses the cached input x
// or output y: ReLU/LeakyReLU from x, Tanh 1 - y^2, Sigmoid y (1 - y).
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <type_traits>

#include "ctnn/layers/elementwise.hpp"

namespace ctnn {

namespace detail {
// tanh for float as a branch-free rational function (Eigen's generic_fast_tanh_float: a 13/6
// minimax approximation on [-7.99, 7.99], within a few ulp of std::tanh). The loops that call
// it vectorize; libm's tanhf does not, and it dominated LeNet-5's training time.
constexpr float fast_tanh(float input) {
    const float x = input < -7.99881172180175781f
                        ? -7.99881172180175781f
                        : (input > 7.99881172180175781f ? 7.99881172180175781f : input);
    const float x2 = x * x;
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = x * p;
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    const float tiny = 0.0004f;
    return (input < tiny && input > -tiny) ? input : p / q;
}
}  // namespace detail

namespace ops {
struct Relu {
    static constexpr std::string_view kind = "relu";
    static std::string name() { return "ReLU"; }
    template <class T>
    static constexpr T forward(T x) {
        return x > T(0) ? x : T(0);
    }
    template <class T>
    static constexpr T derivative(T x, T) {
        return x > T(0) ? T(1) : T(0);
    }
};

template <float Slope>
struct LeakyRelu {
    static constexpr std::string_view kind = "leakyrelu";
    static constexpr float slope = Slope;
    static std::string name() {
        char text[48];
        std::snprintf(text, sizeof text, "LeakyReLU<%g>", static_cast<double>(Slope));
        return text;
    }
    template <class T>
    static constexpr T forward(T x) {
        return x > T(0) ? x : T(Slope) * x;
    }
    template <class T>
    static constexpr T derivative(T x, T) {
        return x > T(0) ? T(1) : T(Slope);
    }
};

struct Tanh {
    static constexpr std::string_view kind = "tanh";
    static std::string name() { return "Tanh"; }
    template <class T>
    static CTNN_HD T forward(T x) {
        if constexpr (std::is_same_v<T, float>)
            return detail::fast_tanh(x);
        else
            return std::tanh(x);
    }
    template <class T>
    static constexpr T derivative(T, T y) {
        return T(1) - y * y;
    }
};

struct Sigmoid {
    static constexpr std::string_view kind = "sigmoid";
    static std::string name() { return "Sigmoid"; }
    // Stable for large |x|: never evaluates exp of a large positive number.
    template <class T>
    static CTNN_HD T forward(T x) {
        if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
        const T e = std::exp(x);
        return e / (T(1) + e);
    }
    template <class T>
    static constexpr T derivative(T, T y) {
        return y * (T(1) - y);
    }
};
}  // namespace ops

// Activation<Op>: an element-wise layer from an op struct with `kind` (string_view), `name()`,
// and CTNN_HD `forward(x)` and `derivative(x, y)` (dy/dx from the input and the output): the
// public way to add an activation (docs/writing-a-layer.md). ReLU and the others below are it.
template <class Op>
struct Activation {
    template <class In>
    using bind = detail::ElementwiseLayer<Op, In>;
};

struct ReLU {
    template <class In>
    using bind = detail::ElementwiseLayer<ops::Relu, In>;
};

template <float Slope = 0.01f>
struct LeakyReLU {
    static_assert(Slope >= 0.0f && Slope < 1.0f, "LeakyReLU<Slope>: Slope must be in [0, 1)");
    template <class In>
    using bind = detail::ElementwiseLayer<ops::LeakyRelu<Slope>, In>;
};

struct Tanh {
    template <class In>
    using bind = detail::ElementwiseLayer<ops::Tanh, In>;
};

struct Sigmoid {
    template <class In>
    using bind = detail::ElementwiseLayer<ops::Sigmoid, In>;
};

}  // namespace ctnn
