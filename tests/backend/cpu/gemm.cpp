// cpu::sgemm (ctnn's own kernel) and cpu::gemm (kernel or OpenBLAS, split over threads) against
// a double loop: every transpose combination, sizes around the tile and vector widths, leading
// dimensions larger than the rows, alpha/beta, at 1 and 2 threads.
#include <doctest/doctest.h>

#include <ctnn/backend/cpu/gemm.hpp>
#include <ctnn/backend/threads.hpp>
#include <ctnn/core/random.hpp>

#include <cmath>
#include <vector>

using namespace ctnn;

namespace {

void check(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, float beta, bool own) {
    CAPTURE(ta);
    CAPTURE(tb);
    CAPTURE(m);
    CAPTURE(n);
    CAPTURE(k);
    CAPTURE(own);
    Rng rng(m * 131 + n * 17 + k);
    const std::size_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
    std::vector<float> a((ta ? k : m) * lda), b((tb ? n : k) * ldb), c(m * ldc);
    for (auto& v : a) v = float(rng.uniform(-1, 1));
    for (auto& v : b) v = float(rng.uniform(-1, 1));
    for (auto& v : c) v = float(rng.uniform(-1, 1));
    std::vector<double> want(m * ldc);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < ldc; ++j) {
            if (j >= n) {
                want[i * ldc + j] = c[i * ldc + j];  // outside C: untouched
                continue;
            }
            double total = 0;
            for (std::size_t p = 0; p < k; ++p)
                total += double(ta ? a[p * lda + i] : a[i * lda + p]) *
                         double(tb ? b[j * ldb + p] : b[p * ldb + j]);
            want[i * ldc + j] = alpha * total + beta * double(c[i * ldc + j]);
        }
    if (own)
        cpu::sgemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
    else
        cpu::gemm<float>(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
    double error = 0;
    for (std::size_t i = 0; i < c.size(); ++i) error = std::max(error, std::abs(double(c[i]) - want[i]));
    CHECK(error < 1e-4 * std::sqrt(double(k) + 1));
}

}  // namespace

TEST_CASE("cpu::sgemm and cpu::gemm match a double loop for every transpose and awkward sizes") {
    const int before = get_num_threads();
    for (const int threads : {1, 2}) {
        set_num_threads(threads);
        for (const bool ta : {false, true})
            for (const bool tb : {false, true})
                for (const std::size_t m : {1, 2, 5, 7, 13})
                    for (const std::size_t n : {1, 3, 16, 17, 33, 70})
                        for (const std::size_t k : {1, 4, 19, 64})
                            for (const bool own : {true, false}) check(ta, tb, m, n, k, 1.0f, 0.0f, own);
        // alpha, beta, and products big enough to be split over threads
        check(false, false, 64, 120, 84, 0.5f, 1.0f, false);
        check(true, false, 84, 120, 64, 1.0f, 1.0f, false);
        check(false, true, 64, 84, 120, -2.0f, 0.25f, false);
        check(true, true, 30, 200, 50, 1.0f, 1.0f, false);
        check(false, false, 150, 400, 16, 1.0f, 0.0f, true);
        check(false, true, 6, 25, 3136, 1.0f, 1.0f, true);
        check(false, false, 3, 1000, 200, 1.0f, 0.0f, false);  // split by columns
        check(false, false, 500, 3, 200, 1.0f, 0.0f, false);   // split by rows
    }
    set_num_threads(before);
}
