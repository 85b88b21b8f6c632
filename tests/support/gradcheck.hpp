// The one finite-difference gradient checker for every layer and loss (double precision).
// A layer spec L is bound to input shape In inside Model<Sequential<Input<In...>, L>,
// cpu::Blas64>; the scalar is sum(output * R) for a fixed random R, so d/d output = R.
// Analytic gradients from backward() are compared with central differences for the input
// and for every parameter tensor on its own (weight, bias, ...: a strided subset of a large one,
// always with its first and last element), so no tensor is left out by the sampling.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace ctnn::testing {

template <class S>
struct input_of;
template <std::size_t... D>
struct input_of<Shape<D...>> {
    using type = Input<D...>;
};

template <class Spec, class In>
using SingleLayer = Sequential<typename input_of<In>::type, Spec>;

struct GradCheckOptions {
    std::size_t batch = 3;
    std::uint64_t seed = 7;
    double step = 1e-6;
    double tolerance = 1e-6;       // on |a - n| / max(1, |a|, |n|)
    std::size_t max_checks = 400;  // per tensor; larger tensors are checked at a stride
    Mode mode = Mode::train;
    double input_scale = 1.0;
    double output_low = -2.0, output_high = 2.0;  // where loss checks draw network outputs
};

inline double relative_error(double analytic, double numeric) {
    return std::abs(analytic - numeric) / std::max({1.0, std::abs(analytic), std::abs(numeric)});
}

// Checks d(sum(out * R))/d(input) and /d(parameters) of one layer. Returns the worst error.
template <class Spec, class In>
double check_layer_gradients(GradCheckOptions options = {}) {
    using Net = SingleLayer<Spec, In>;
    using M = Model<Net, cpu::Blas64>;
    M model(options.seed);
    model.set_mode(options.mode);
    const std::size_t n_in = options.batch * In::size;
    const std::size_t n_out = options.batch * Net::output_shape::size;
    Rng rng(options.seed + 1);
    std::vector<double> input(n_in), weights(n_out), dinput(n_in);
    for (auto& x : input) x = rng.uniform(-1.0, 1.0) * options.input_scale;
    for (auto& r : weights) r = rng.uniform(-1.0, 1.0);

    auto objective = [&]() {
        const double* out = model.forward(input.data(), options.batch);
        double total = 0;
        for (std::size_t i = 0; i < n_out; ++i) total += out[i] * weights[i];
        return total;
    };

    objective();
    model.zero_grad();
    model.backward(weights.data(), dinput.data());
    const std::vector<double> param_grads(model.gradients(), model.gradients() + M::param_count);

    double worst = 0;
    auto check = [&](double* values, std::size_t count, const double* analytic, std::string_view what) {
        if (count == 0) return;
        const std::size_t stride = std::max<std::size_t>(1, count / options.max_checks);
        for (std::size_t i = 0;; i = i + stride < count - 1 ? i + stride : count - 1) {
            const double saved = values[i];
            values[i] = saved + options.step;
            const double plus = objective();
            values[i] = saved - options.step;
            const double minus = objective();
            values[i] = saved;
            const double numeric = (plus - minus) / (2 * options.step);
            const double error = relative_error(analytic[i], numeric);
            worst = std::max(worst, error);
            if (error > options.tolerance) {
                INFO(what, "[", i, "] analytic ", analytic[i], " numeric ", numeric);
                CHECK(error <= options.tolerance);
                return;
            }
            if (i == count - 1) break;
        }
    };
    check(input.data(), n_in, dinput.data(), "d input");
    std::size_t offset = 0;
    Net::for_each_layer([&]<class L>() {
        for (const ParamSpec& spec : L::params) {
            check(model.parameters() + offset, spec.count(), param_grads.data() + offset, spec.name);
            offset += spec.count();
        }
    });
    CHECK(offset == M::param_count);  // every parameter belongs to a checked tensor
    return worst;
}

}  // namespace ctnn::testing

namespace ctnn::testing {

// Checks d loss / d output of a loss against central differences, for given targets.
template <class Loss, class Out>
double check_loss_gradients(Loss loss_config, const std::vector<typename Loss::target_type>& targets,
                            std::size_t batch, GradCheckOptions options = {}) {
    typename Loss::template bind<Out>::template impl<cpu::Blas64> loss(loss_config);
    const std::size_t n = batch * Out::size;
    Rng rng(options.seed);
    std::vector<double> output(n), grad(n), scratch(n);
    for (auto& y : output) y = rng.uniform(options.output_low, options.output_high);
    loss.compute(output.data(), targets.data(), grad.data(), batch);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double saved = output[i];
        output[i] = saved + options.step;
        const double plus = loss.compute(output.data(), targets.data(), scratch.data(), batch);
        output[i] = saved - options.step;
        const double minus = loss.compute(output.data(), targets.data(), scratch.data(), batch);
        output[i] = saved;
        const double error = relative_error(grad[i], (plus - minus) / (2 * options.step));
        worst = std::max(worst, error);
    }
    CHECK(worst <= options.tolerance);
    return worst;
}

}  // namespace ctnn::testing
