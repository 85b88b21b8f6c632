// cpu::sgemm (ctnn's own kernel), cpu::packed_sgemm (the cache-blocked one) and cpu::gemm
// (kernel or OpenBLAS, split over threads) against a double loop: every transpose combination,
// sizes around the tile and vector widths and across the KC / MC / NC blocks, large products,
// leading dimensions larger than the rows, alpha/beta, at 1 and 2 threads. Tolerance: the
// largest error over C (and the untouched padding) below 1e-4 * sqrt(k + 1), operands in
// [-1, 1) (float rounding of a k-term sum grows like sqrt(k)).
#include <doctest/doctest.h>

#include <ctnn/backend/cpu/gemm.hpp>
#include <ctnn/backend/threads.hpp>
#include <ctnn/core/random.hpp>

#include <cmath>
#include <functional>
#include <limits>
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

// One product's operands and its double-precision reference, for several kernels in turn.
struct Product {
    bool ta, tb;
    std::size_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
    std::vector<float> a, b, c;
    std::vector<double> want;

    Product(bool ta_, bool tb_, std::size_t m_, std::size_t n_, std::size_t k_, float alpha_, float beta_)
        : ta(ta_),
          tb(tb_),
          m(m_),
          n(n_),
          k(k_),
          lda((ta ? m : k) + 1),
          ldb((tb ? k : n) + 2),
          ldc(n + 3),
          alpha(alpha_),
          beta(beta_),
          a((ta ? k : m) * lda),
          b((tb ? n : k) * ldb),
          c(m * ldc),
          want(m * ldc) {
        Rng rng(m * 7 + n * 131 + k * 17 + (ta ? 1 : 0) + (tb ? 2 : 0));
        for (auto& v : a) v = float(rng.uniform(-1, 1));
        for (auto& v : b) v = float(rng.uniform(-1, 1));
        for (auto& v : c) v = float(rng.uniform(-1, 1));
        std::vector<double> row(n);
        for (std::size_t i = 0; i < m; ++i) {
            std::fill(row.begin(), row.end(), 0.0);
            for (std::size_t p = 0; p < k; ++p) {
                const double x = ta ? a[p * lda + i] : a[i * lda + p];
                if (tb)
                    for (std::size_t j = 0; j < n; ++j) row[j] += x * double(b[j * ldb + p]);
                else
                    for (std::size_t j = 0; j < n; ++j) row[j] += x * double(b[p * ldb + j]);
            }
            for (std::size_t j = 0; j < ldc; ++j)
                want[i * ldc + j] =
                    j < n ? alpha * row[j] + (beta == 0.0f ? 0.0 : beta * double(c[i * ldc + j]))
                          : double(c[i * ldc + j]);
        }
    }

    using Kernel = std::function<void(bool, bool, std::size_t, std::size_t, std::size_t, float, const float*,
                                      std::size_t, const float*, std::size_t, float, float*, std::size_t)>;

    // Runs kernel on a copy of C (NaN in C where beta = 0: it must not be read) and checks it.
    void check(const Kernel& kernel, const char* name) const {
        CAPTURE(name);
        CAPTURE(ta);
        CAPTURE(tb);
        CAPTURE(m);
        CAPTURE(n);
        CAPTURE(k);
        CAPTURE(alpha);
        CAPTURE(beta);
        std::vector<float> out = c;
        if (beta == 0.0f)
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j)
                    out[i * ldc + j] = std::numeric_limits<float>::quiet_NaN();
        kernel(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, out.data(), ldc);
        double error = 0;
        for (std::size_t i = 0; i < out.size(); ++i) {
            const double e = std::abs(double(out[i]) - want[i]);
            error = std::isnan(e) ? std::numeric_limits<double>::infinity() : std::max(error, e);
        }
        CHECK(error < 1e-4 * std::sqrt(double(k) + 1));
    }
};

void packed(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
            std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    cpu::packed_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void dispatched(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    cpu::gemm<float>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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

TEST_CASE("cpu::packed_sgemm matches a double loop: every transpose, odd sizes, across its blocks") {
    namespace p = cpu::detail::packed;
    for (const bool ta : {false, true})
        for (const bool tb : {false, true}) {
            for (const std::size_t m : {1, 7, 17, 33, 100, 257})
                for (const std::size_t n : {1, 7, 17, 33, 100, 257})
                    for (const std::size_t k : {1, 7, 17, 33, 100, 257})
                        Product(ta, tb, m, n, k, 1.0f, 0.0f).check(packed, "packed");
            // alpha, beta; a tile's rows and vectors exactly; k past two KC blocks, m past MC,
            // n past NC
            Product(ta, tb, p::MR, p::NR, 5, -0.5f, 0.75f).check(packed, "packed");
            Product(ta, tb, 2 * p::MR + 1, p::NR + p::W + 1, 2 * p::KC + 3, 2.0f, 1.0f)
                .check(packed, "packed");
            Product(ta, tb, p::MC + 5, 40, 9, 1.0f, -1.0f).check(packed, "packed");
            Product(ta, tb, 3, p::NC + 21, 20, 0.5f, 0.0f).check(packed, "packed");
        }
}

TEST_CASE("cpu::gemm matches a double loop on large products at 1 and 2 threads, and with OpenBLAS") {
    const int before = get_num_threads();
    for (const bool ta : {false, true})
        for (const bool tb : {false, true}) {
            const Product large(ta, tb, 512, 784, 600, 1.0f, 0.0f);
            const Product batch(ta, tb, 64, 1024, 784, 1.0f, 1.0f);  // a Dense layer of the MLP GAN
            const Product skinny(ta, tb, 6, 25, 3136, 1.0f, 0.0f);   // a small conv's weight gradient
            for (const int threads : {1, 2}) {
                set_num_threads(threads);
                CAPTURE(threads);
                large.check(dispatched, "gemm");
                batch.check(dispatched, "gemm");
                skinny.check(dispatched, "gemm");
            }
            large.check(packed, "packed");
            cpu::set_gemm_kernels(cpu::GemmKernels::openblas);
            large.check(dispatched, "gemm, OpenBLAS");
            skinny.check(dispatched, "gemm, OpenBLAS");
            cpu::set_gemm_kernels(cpu::GemmKernels::ctnn);
        }
    set_num_threads(before);
}
