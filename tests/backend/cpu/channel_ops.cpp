// cpu::BasicBlas per-channel ops around convolutions: add_channel_bias, sum_channels,
// transpose_blocks, checked against hand-written expectations.
#include <doctest/doctest.h>

#include <ctnn/backend/cpu/blas.hpp>

#include <vector>

using B = ctnn::cpu::Blas;

TEST_CASE("add_channel_bias: y[n, c, p] += bias[c]") {
    std::vector<float> y(2 * 3 * 2, 1.0f);  // N 2, C 3, P 2
    const float bias[] = {10, 20, 30};
    B::add_channel_bias(y.data(), bias, 2, 3, 2);
    CHECK(y == std::vector<float>{11, 11, 21, 21, 31, 31, 11, 11, 21, 21, 31, 31});
}

TEST_CASE("sum_channels: y[c] += sum over n and p") {
    const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // N 2, C 3, P 2
    std::vector<float> y{100, 0, 0};
    B::sum_channels(x.data(), y.data(), 2, 3, 2);
    CHECK(y == std::vector<float>{100 + 1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12});
}

TEST_CASE("transpose_blocks: (N, C, P) <-> (C, N, P)") {
    const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // rows 2, cols 3, block 2
    std::vector<float> y(12), back(12);
    B::transpose_blocks(x.data(), y.data(), 2, 3, 2);
    CHECK(y == std::vector<float>{1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12});
    B::transpose_blocks(y.data(), back.data(), 3, 2, 2);
    CHECK(back == x);
}
