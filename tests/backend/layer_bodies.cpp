// backend/layer_bodies.hpp on the CPU: the bodies that only the CUDA kernels run (element forms of
// pooling, padding, BatchNorm; the lane and thread partials of the warp and block reductions)
// against the row / channel / group bodies that cpu::Blas runs (tested against a float64
// reference in tests/backend/cpu/layer_ops_conformance.cpp), so their index arithmetic is checked
// where no GPU exists. A reduction's partials are combined here in a plain loop.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <ctnn/ctnn.hpp>

using namespace ctnn;
using Cpu = cpu::Blas;

namespace {

std::vector<float> random_values(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> values(n);
    for (auto& v : values) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    return values;
}

template <class Body>
void run(std::size_t n, Body body) {
    for (std::size_t i = 0; i < n; ++i) body(i);
}

double worst_difference(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    return worst;
}

template <PoolGeometry G>
void pool_elements(std::size_t batch) {
    INFO("pool (" << G.channels << ", " << G.height << ", " << G.width << "), window " << G.window
                  << ", stride " << G.stride);
    const std::size_t n_in = batch * G.channels * G.height * G.width;
    const std::size_t n_out = batch * G.channels * G.out_height() * G.out_width();
    const auto x = random_values(n_in, 1), dout = random_values(n_out, 2);
    std::vector<float> row(n_out), element(n_out), drow(n_in, 5), delement(n_in, 7);
    std::vector<std::uint32_t> argmax_row(n_out), argmax_element(n_out);
    Cpu::avg_pool_forward<G>(x.data(), row.data(), batch);
    run(n_out, bodies::AvgPoolForwardElement<float, G>{x.data(), element.data()});
    CHECK(element == row);
    Cpu::avg_pool_backward<G>(dout.data(), drow.data(), batch);
    run(n_in, bodies::AvgPoolBackwardElement<float, G>{dout.data(), delement.data()});
    CHECK(worst_difference(delement, drow) <= 1e-6);
    Cpu::max_pool_forward<G>(x.data(), row.data(), argmax_row.data(), batch);
    run(n_out, bodies::MaxPoolForwardElement<float, G>{x.data(), element.data(), argmax_element.data()});
    CHECK(element == row);
    CHECK(argmax_element == argmax_row);
    Cpu::max_pool_backward<G>(dout.data(), argmax_row.data(), drow.data(), batch);
    run(n_in, bodies::MaxPoolBackwardElement<float, G>{dout.data(), argmax_row.data(), delement.data()});
    CHECK(worst_difference(delement, drow) <= 1e-6);
}

template <PadGeometry G>
void pad_elements(std::size_t batch) {
    const std::size_t n_in = batch * G.channels * G.height * G.width;
    const std::size_t n_out = batch * G.channels * G.out_height() * G.out_width();
    const auto x = random_values(n_in, 3), dout = random_values(n_out, 4);
    std::vector<float> row(n_out, 1), element(n_out, 2), drow(n_in), delement(n_in);
    Cpu::pad2d<G>(x.data(), row.data(), batch);
    run(n_out, bodies::PadElement<float, G>{x.data(), element.data()});
    CHECK(element == row);
    Cpu::unpad2d<G>(dout.data(), drow.data(), batch);
    run(n_in, bodies::UnpadElement<float, G>{dout.data(), delement.data()});
    CHECK(delement == drow);
}

template <BatchNormGeometry G>
void batch_norm_parts(std::size_t batch) {
    INFO("batch norm C " << G.channels << ", S " << G.spatial);
    constexpr std::size_t C = G.channels;
    const std::size_t n = batch * C * G.spatial, threads = 256;
    const auto x = random_values(n, 5), dout = random_values(n, 6), gamma = random_values(C, 7);
    const auto beta = random_values(C, 8);
    std::vector<float> running(2 * C, 0.5f), stats(5 * C), y_row(n), y_element(n), d_row(n), d_element(n);
    std::vector<float> dparams(2 * C);
    Cpu::batch_norm_moments<G>(x.data(), batch, gamma.data(), running.data(), running.data() + C,
                               stats.data(), 0.1, 1e-5);
    // The block reduction's shares add up to the channel body's sums.
    for (std::size_t c = 0; c < C; ++c) {
        double sum = 0, squares = 0;
        for (std::size_t t = 0; t < threads; ++t)
            sum += bodies::batch_norm_thread_sum<float, G>(x.data(), batch, c, t, threads);
        const double mu = sum / static_cast<double>(batch * G.spatial);
        for (std::size_t t = 0; t < threads; ++t)
            squares += bodies::batch_norm_thread_squares<float, G>(x.data(), batch, c, mu, t, threads);
        CHECK(static_cast<float>(mu) == doctest::Approx(stats[c]).epsilon(1e-6));
        const double invstd = 1.0 / std::sqrt(squares / static_cast<double>(batch * G.spatial) + 1e-5);
        CHECK(static_cast<float>(invstd) == doctest::Approx(stats[C + c]).epsilon(1e-6));
    }
    Cpu::batch_norm_normalize<G>(x.data(), y_row.data(), batch, stats.data(), beta.data());
    run(n,
        bodies::BatchNormNormalizeElement<float, G>{x.data(), y_element.data(), stats.data(), beta.data()});
    CHECK(worst_difference(y_element, y_row) <= 1e-6);
    Cpu::batch_norm_backward<G>(x.data(), dout.data(), d_row.data(), batch, stats.data(), dparams.data(),
                                dparams.data() + C, Mode::train);
    for (std::size_t c = 0; c < C; ++c) {
        double sum = 0, sum_xhat = 0;
        for (std::size_t t = 0; t < threads; ++t)
            bodies::batch_norm_thread_backward_sums<float, G>(x.data(), dout.data(), batch, c, stats.data(),
                                                              t, threads, sum, sum_xhat);
        CHECK(static_cast<float>(sum) == doctest::Approx(dparams[C + c]).epsilon(1e-5));
        CHECK(static_cast<float>(sum_xhat) == doctest::Approx(dparams[c]).epsilon(1e-5));
    }
    run(n, bodies::BatchNormBackwardElement<float, G>{x.data(), dout.data(), d_element.data(), stats.data()});
    CHECK(worst_difference(d_element, d_row) <= 1e-6);
    Cpu::batch_norm_backward<G>(x.data(), dout.data(), d_row.data(), batch, stats.data(), dparams.data(),
                                dparams.data() + C, Mode::eval);
    run(n, bodies::BatchNormBackwardEvalElement<float, G>{dout.data(), d_element.data(), stats.data()});
    CHECK(worst_difference(d_element, d_row) <= 1e-6);
}

template <MinibatchStddevGeometry G>
void minibatch_stddev_parts(std::size_t batch) {
    INFO("minibatch stddev F " << G.features << ", appended " << G.appended << ", group " << G.group);
    const std::size_t threads = 256;
    const auto x = random_values(batch * G.features, 9), dout = random_values(batch * G.out_features(), 10);
    std::vector<float> row(batch * G.out_features()), element(batch * G.out_features(), -3.0f);
    std::vector<float> d_row(batch * G.features), d_element(batch * G.features);
    Cpu::minibatch_stddev_forward<G>(x.data(), row.data(), batch, 1e-8);
    Cpu::minibatch_stddev_backward<G>(x.data(), dout.data(), d_row.data(), batch, 1e-8);
    run(batch * G.features, bodies::MinibatchStddevCopyElement<float, G>{x.data(), element.data()});
    for (std::size_t g = 0; g < G.groups(batch); ++g) {
        const std::size_t first = g * G.group, count = G.group_size(g, batch);
        double spread = 0, dm = 0;
        for (std::size_t t = 0; t < threads; ++t) {
            spread +=
                bodies::minibatch_stddev_thread_spread<float, G>(x.data(), first, count, 1e-8, t, threads);
            dm += bodies::minibatch_stddev_thread_dm<float, G>(dout.data(), first, count, t, threads);
        }
        for (std::size_t j = 0; j < count * G.appended; ++j)
            element[bodies::appended_index<G>(first, j)] = static_cast<float>(spread / G.features);
        const double scale = dm / (static_cast<double>(count) * static_cast<double>(G.features));
        for (std::size_t f = 0; f < G.features; ++f)
            bodies::minibatch_stddev_feature_backward<float, G>(x.data(), dout.data(), d_element.data(), f,
                                                                first, count, scale, 1e-8);
    }
    CHECK(worst_difference(element, row) <= 1e-6);
    CHECK(worst_difference(d_element, d_row) <= 1e-6);
}

}  // namespace

TEST_CASE("layer bodies: the GPU element forms of pooling and padding match the row bodies") {
    pool_elements<PoolGeometry{3, 8, 8, 2, 2}>(2);
    pool_elements<PoolGeometry{2, 9, 7, 3, 2}>(3);
    pool_elements<PoolGeometry{2, 6, 7, 3, 1}>(2);
    pool_elements<PoolGeometry{2, 8, 8, 2, 3}>(3);
    pad_elements<PadGeometry{2, 5, 6, 2}>(3);
    pad_elements<PadGeometry{1, 4, 3, 1}>(2);
}

TEST_CASE("layer bodies: softmax lane partials (a warp per row) match the row bodies") {
    for (const std::size_t cols : {1, 10, 31, 32, 100}) {
        INFO("cols " << cols);
        const std::size_t rows = 3, lanes = 32;
        const auto x = random_values(rows * cols, 11 + cols), dout = random_values(rows * cols, 12 + cols);
        std::vector<float> y(rows * cols), lane_y(rows * cols), dinp(rows * cols), lane_dinp(rows * cols);
        Cpu::softmax_rows(x.data(), y.data(), rows, cols);
        Cpu::softmax_rows_backward(y.data(), dout.data(), dinp.data(), rows, cols);
        for (std::size_t r = 0; r < rows; ++r) {
            const float* xr = x.data() + r * cols;
            float* yr = lane_y.data() + r * cols;
            float max = -INFINITY, total = 0, dot = 0;
            for (std::size_t lane = 0; lane < lanes; ++lane)
                max = std::max(max, bodies::lane_max(xr, cols, lane, lanes));
            for (std::size_t lane = 0; lane < lanes; ++lane)
                total += bodies::lane_exp_sum(xr, yr, cols, max, lane, lanes);
            for (std::size_t k = 0; k < cols; ++k) yr[k] /= total;
            for (std::size_t lane = 0; lane < lanes; ++lane)
                dot += bodies::lane_dot(dout.data() + r * cols, yr, cols, lane, lanes);
            for (std::size_t k = 0; k < cols; ++k)
                lane_dinp[r * cols + k] = yr[k] * (dout[r * cols + k] - dot);
        }
        CHECK(worst_difference(lane_y, y) <= 1e-6);
        CHECK(worst_difference(lane_dinp, dinp) <= 1e-6);
    }
}

TEST_CASE(
    "layer bodies: BatchNorm's block-reduction shares and element forms match the channel and row bodies") {
    batch_norm_parts<BatchNormGeometry{6, 1}>(16);
    batch_norm_parts<BatchNormGeometry{4, 25}>(6);
    batch_norm_parts<BatchNormGeometry{3, 49}>(5);
}

TEST_CASE("layer bodies: MinibatchStddev's block-reduction shares match the group bodies") {
    minibatch_stddev_parts<MinibatchStddevGeometry{32, 1, 4}>(16);
    minibatch_stddev_parts<MinibatchStddevGeometry{200, 25, 4}>(6);
    minibatch_stddev_parts<MinibatchStddevGeometry{7, 1, 3}>(2);
}
