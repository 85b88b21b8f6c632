// Activation layers, element-wise, shape (N, ...) -> (N, ...), no parameters:
// ReLU, LeakyReLU<Slope> (default 0.01), Tanh, Sigmoid. Backward uses the cached input x
// or output y: ReLU/LeakyReLU from x, Tanh 1 - y^2, Sigmoid y (1 - y).
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "ctnn/layers/elementwise.hpp"

namespace ctnn {

namespace ops {
struct Relu {
    static constexpr std::string_view kind = "relu";
    static std::string name() { return "ReLU"; }
    template <class T>
    static constexpr T forward(T x) { return x > T(0) ? x : T(0); }
    template <class T>
    static constexpr T derivative(T x, T) { return x > T(0) ? T(1) : T(0); }
};

template <float Slope>
struct LeakyRelu {
    static constexpr std::string_view kind = "leakyrelu";
    static std::string name() {
        char text[48];
        std::snprintf(text, sizeof text, "LeakyReLU<%g>", static_cast<double>(Slope));
        return text;
    }
    template <class T>
    static constexpr T forward(T x) { return x > T(0) ? x : T(Slope) * x; }
    template <class T>
    static constexpr T derivative(T x, T) { return x > T(0) ? T(1) : T(Slope); }
};

struct Tanh {
    static constexpr std::string_view kind = "tanh";
    static std::string name() { return "Tanh"; }
    template <class T>
    static T forward(T x) { return std::tanh(x); }
    template <class T>
    static constexpr T derivative(T, T y) { return T(1) - y * y; }
};

struct Sigmoid {
    static constexpr std::string_view kind = "sigmoid";
    static std::string name() { return "Sigmoid"; }
    // Stable for large |x|: never evaluates exp of a large positive number.
    template <class T>
    static T forward(T x) {
        if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
        const T e = std::exp(x);
        return e / (T(1) + e);
    }
    template <class T>
    static constexpr T derivative(T, T y) { return y * (T(1) - y); }
};
}  // namespace ops

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
