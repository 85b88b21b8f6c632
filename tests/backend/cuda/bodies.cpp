// The per-element bodies of cuda::CuBlas's kernels (backend/cuda/bodies.hpp, and im2col/col2im's
// in core/conv_geometry.hpp), run here on the CPU by g++ over every index, the way a kernel's
// grid would, and compared with the cpu::Blas op each kernel mirrors: the GPU backend's index
// arithmetic is tested on machines without a GPU. (The kernels themselves: ctnn_cuda_tests.)
#include <doctest/doctest.h>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/backend/cuda/bodies.hpp>
#include <ctnn/core/random.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace ctnn;
namespace body = ctnn::cuda::detail;

namespace {

std::vector<double> random_vector(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> values(n);
    for (auto& v : values) v = rng.uniform(-1.0, 1.0);
    return values;
}

// The worst |a - b| (the bodies add in the CPU ops' order or a fixed other one: tiny differences).
double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

}  // namespace

TEST_CASE("cuda bodies: add_row_vector and sum_rows match cpu::Blas") {
    using Cpu = cpu::Blas64;
    const std::size_t rows = 9, cols = 13;
    const auto v = random_vector(cols, 1);
    auto expected = random_vector(rows * cols, 2), actual = expected;
    Cpu::add_row_vector(expected.data(), v.data(), rows, cols);
    for (std::size_t i = 0; i < rows * cols; ++i) actual[i] += v[body::row_vector_index(i, cols)];
    CHECK(max_difference(expected, actual) == 0);

    auto sums = random_vector(cols, 3), body_sums = sums;
    Cpu::sum_rows(expected.data(), sums.data(), rows, cols);
    for (std::size_t c = 0; c < cols; ++c) body_sums[c] += body::column_sum(expected.data(), rows, cols, c);
    CHECK(max_difference(sums, body_sums) < 1e-12);
}

TEST_CASE("cuda bodies: add_channel_bias and sum_channels match cpu::Blas") {
    using Cpu = cpu::Blas64;
    for (std::size_t plane : {std::size_t{1}, std::size_t{7}, std::size_t{49}}) {
        const std::size_t batch = 4, channels = 6, n = batch * channels * plane;
        const auto bias = random_vector(channels, 4);
        auto expected = random_vector(n, 5), actual = expected;
        Cpu::add_channel_bias(expected.data(), bias.data(), batch, channels, plane);
        for (std::size_t i = 0; i < n; ++i) actual[i] += bias[body::channel_of(i, channels, plane)];
        CHECK(max_difference(expected, actual) == 0);

        // A block per channel: its threads stride over the batch * plane values of channel c.
        auto sums = random_vector(channels, 6), body_sums = sums;
        Cpu::sum_channels(expected.data(), sums.data(), batch, channels, plane);
        std::vector<int> visits(n, 0);
        for (std::size_t c = 0; c < channels; ++c)
            for (std::size_t j = 0; j < batch * plane; ++j) {
                const std::size_t at = body::channel_value_index(j, c, channels, plane);
                body_sums[c] += expected[at];
                ++visits[at];
            }
        CHECK(max_difference(sums, body_sums) < 1e-12);
        CHECK(std::all_of(visits.begin(), visits.end(), [](int v) { return v == 1; }));  // each value once
    }
}

TEST_CASE("cuda bodies: transpose_blocks matches cpu::Blas") {
    using Cpu = cpu::Blas64;
    for (std::size_t block : {std::size_t{1}, std::size_t{5}, std::size_t{36}}) {
        const std::size_t rows = 3, cols = 7, n = rows * cols * block;
        const auto x = random_vector(n, 7);
        std::vector<double> expected(n), actual(n);
        Cpu::transpose_blocks(x.data(), expected.data(), rows, cols, block);
        for (std::size_t i = 0; i < n; ++i)
            actual[i] = x[body::transpose_blocks_source(i, rows, cols, block)];
        CHECK(max_difference(expected, actual) == 0);
    }
}

TEST_CASE("cuda bodies: sum's strided partial sums cover every element once") {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{1000}}) {
        const auto x = random_vector(n, 8);
        double expected = 0;
        for (double v : x) expected += v;
        for (std::size_t threads : {std::size_t{1}, std::size_t{256}, std::size_t{65536}}) {
            double total = 0;
            for (std::size_t t = 0; t < threads; ++t) total += body::strided_sum(x.data(), n, t, threads);
            CHECK(total == doctest::Approx(expected).epsilon(1e-12));
        }
    }
}

TEST_CASE("cuda bodies: im2col_source and col2im_gather per element match cpu::Blas") {
    using Cpu = cpu::Blas64;
    const ConvGeometry geometries[] = {{1, 32, 32, 5, 1, 0},
                                       {3, 9, 11, 3, 2, 1},
                                       {4, 7, 7, 4, 2, 1},
                                       {2, 5, 6, 2, 3, 1},
                                       {64, 7, 7, 4, 2, 1}};
    for (const ConvGeometry& g : geometries)
        for (std::size_t batch : {std::size_t{1}, std::size_t{3}}) {
            INFO("C " << g.channels << " H " << g.height << " K " << g.kernel << " S " << g.stride << " P "
                      << g.padding << " batch " << batch);
            const auto im = random_vector(batch * g.image_size(), 9);
            const std::size_t cols = g.col_rows() * g.col_cols(batch);
            std::vector<double> expected(cols), actual(cols);
            Cpu::im2col(im.data(), expected.data(), batch, g);
            for (std::size_t i = 0; i < cols; ++i) {  // im2col_kernel's body
                const std::ptrdiff_t source = ctnn::detail::im2col_source(g, batch, i);
                actual[i] = source < 0 ? 0.0 : im[static_cast<std::size_t>(source)];
            }
            CHECK(max_difference(expected, actual) == 0);

            const auto col = random_vector(cols, 10);
            std::vector<double> image(im.size()), gathered(im.size());
            Cpu::col2im(col.data(), image.data(), batch, g);
            for (std::size_t i = 0; i < im.size(); ++i)  // col2im_kernel's body
                gathered[i] = ctnn::detail::col2im_gather(g, batch, i, col.data());
            CHECK(max_difference(image, gathered) < 1e-12);
        }
}
