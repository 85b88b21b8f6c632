// Sample-quality numbers for generative models, from a classifier's outputs (in double):
//   GaussianStats / gaussian_stats(features n x d): mean (d) and unbiased covariance (d x d).
//   frechet_distance(a, b) = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2), the
//     true matrix square roots from symmetric eigendecompositions (LAPACK syevd, as
//     xt::linalg::eigh), tiny negative eigenvalues of the PSD matrices clamped to 0. FID when the
//     features are a classifier's.
//   inception_score(p n x K) = exp(mean_i KL(p_i || mean_j p_j)), averaged over splits.
// A NaN or Inf input (features, means, covariances, probabilities) or a negative probability is
// refused with std::invalid_argument naming the element: a score is never made from them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/detail/xtensor.hpp"  // before xtensor-blas: the one place xtensor is included
// xtensor-blas's LAPACK part only: xlinalg.hpp (eigh's home) also pulls in FLENS's own cblas.h,
// whose declarations conflict with OpenBLAS's cblas.h (included by backend/cpu/blas.hpp), so we
// call syevd, the routine behind xt::linalg::eigh, directly. xlapack needs FLENS's ASSERT.
#include <xflens/cxxblas/auxiliary/debugmacro.h>
#include <xtensor-blas/xlapack.hpp>

namespace ctnn {

namespace detail {
// Throws std::invalid_argument "<what> [row][col] is NaN" unless every value is finite (and, with
// non_negative, >= 0).
template <class T>
void check_metric_input(const T* values, std::size_t rows, std::size_t cols, const char* what,
                        bool non_negative = false) {
    for (std::size_t i = 0; i < rows * cols; ++i) {
        const double v = static_cast<double>(values[i]);
        if (std::isfinite(v) && !(non_negative && v < 0)) continue;
        const std::string where =
            std::string(what) + " [" + std::to_string(i / cols) + "][" + std::to_string(i % cols) + "] is ";
        throw std::invalid_argument(where +
                                    (std::isnan(v)   ? "NaN"
                                     : std::isinf(v) ? (v > 0 ? "+Inf" : "-Inf")
                                                     : std::to_string(v)) +
                                    (std::isfinite(v) ? " (a probability must not be negative)"
                                                      : " (the model or its inputs hold non-finite values)"));
    }
}
}  // namespace detail

struct GaussianStats {
    xt::xtensor<double, 1> mean;  // d
    xt::xtensor<double, 2> cov;   // d x d, divided by n - 1 (numpy.cov, pytorch-fid)
    std::size_t count = 0;        // samples it was estimated from
};

// Mean and covariance of n feature vectors of size d (row-major, n x d). Needs n >= 2.
template <class T>
GaussianStats gaussian_stats(const T* features, std::size_t n, std::size_t d) {
    if (n < 2 || d == 0) throw std::invalid_argument("gaussian_stats: need at least 2 samples of size >= 1");
    detail::check_metric_input(features, n, d, "gaussian_stats: feature");
    xt::xtensor<double, 2> x = xt::zeros<double>({n, d});
    for (std::size_t i = 0; i < n * d; ++i) x.data()[i] = static_cast<double>(features[i]);
    GaussianStats stats;
    stats.count = n;
    stats.mean = xt::mean(x, {0});
    x -= xt::view(stats.mean, xt::newaxis(), xt::all());
    stats.cov = xt::zeros<double>({d, d});
    for (std::size_t i = 0; i < n; ++i) {  // the upper triangle of x^T x, then mirrored
        const double* row = x.data() + i * d;
        for (std::size_t a = 0; a < d; ++a)
            for (std::size_t b = a; b < d; ++b) stats.cov(a, b) += row[a] * row[b];
    }
    for (std::size_t a = 0; a < d; ++a)
        for (std::size_t b = a; b < d; ++b) stats.cov(b, a) = stats.cov(a, b) /= static_cast<double>(n - 1);
    return stats;
}

namespace detail {
struct SymmetricEigen {
    xt::xtensor<double, 1> values;   // ascending
    xt::xtensor<double, 2> vectors;  // column k belongs to values(k)
};

// Eigen-decomposition of the symmetric part of a square matrix (LAPACK dsyevd).
inline SymmetricEigen symmetric_eigen(const xt::xtensor<double, 2>& a) {
    const std::size_t d = a.shape()[0];
    xt::xtensor<double, 2, xt::layout_type::column_major> m = 0.5 * (a + xt::transpose(a));
    xt::xtensor<double, 1, xt::layout_type::column_major> w = xt::zeros<double>({d});
    if (xt::lapack::syevd(m, 'V', 'L', w) != 0)
        throw std::runtime_error("frechet_distance: the symmetric eigendecomposition did not converge");
    return {w, m};
}

// a b for square row-major matrices (d is small: a classifier's feature size).
inline xt::xtensor<double, 2> matmul(const xt::xtensor<double, 2>& a, const xt::xtensor<double, 2>& b) {
    const std::size_t d = a.shape()[0];
    xt::xtensor<double, 2> c = xt::zeros<double>({d, d});
    for (std::size_t i = 0; i < d; ++i)
        for (std::size_t k = 0; k < d; ++k) {
            const double aik = a(i, k);
            for (std::size_t j = 0; j < d; ++j) c(i, j) += aik * b(k, j);
        }
    return c;
}
}  // namespace detail

// The symmetric PSD square root V diag(sqrt(max(l, 0))) V^T of a symmetric matrix.
inline xt::xtensor<double, 2> sqrt_psd(const xt::xtensor<double, 2>& a) {
    const auto [values, v] = detail::symmetric_eigen(a);
    const std::size_t d = values.size();
    xt::xtensor<double, 2> root = xt::zeros<double>({d, d});
    for (std::size_t k = 0; k < d; ++k) {
        const double r = std::sqrt(std::max(values(k), 0.0));
        for (std::size_t i = 0; i < d; ++i)
            for (std::size_t j = 0; j < d; ++j) root(i, j) += v(i, k) * r * v(j, k);
    }
    return root;
}

// Frechet distance between the Gaussians (mu_a, S_a) and (mu_b, S_b); >= 0 (rounding clamped).
inline double frechet_distance(const xt::xtensor<double, 1>& mu_a, const xt::xtensor<double, 2>& s_a,
                               const xt::xtensor<double, 1>& mu_b, const xt::xtensor<double, 2>& s_b) {
    const std::size_t d = mu_a.size();
    const auto square = [d](const xt::xtensor<double, 2>& s) {
        return s.dimension() == 2 && s.shape()[0] == d && s.shape()[1] == d;
    };
    if (mu_b.size() != d || !square(s_a) || !square(s_b))
        throw std::invalid_argument("frechet_distance: means of size " + std::to_string(d) + " and " +
                                    std::to_string(mu_b.size()) + " with covariances that are not d x d");
    detail::check_metric_input(mu_a.data(), 1, d, "frechet_distance: mean a");
    detail::check_metric_input(mu_b.data(), 1, d, "frechet_distance: mean b");
    detail::check_metric_input(s_a.data(), d, d, "frechet_distance: covariance a");
    detail::check_metric_input(s_b.data(), d, d, "frechet_distance: covariance b");
    const double mean_term = xt::sum(xt::square(mu_a - mu_b))();
    const xt::xtensor<double, 2> root_a = sqrt_psd(s_a);
    const auto values = detail::symmetric_eigen(detail::matmul(detail::matmul(root_a, s_b), root_a)).values;
    const double trace_root = xt::sum(xt::sqrt(xt::maximum(values, 0.0)))();
    const double distance =
        mean_term + xt::sum(xt::diagonal(s_a))() + xt::sum(xt::diagonal(s_b))() - 2 * trace_root;
    return std::max(distance, 0.0);
}

inline double frechet_distance(const GaussianStats& a, const GaussianStats& b) {
    return frechet_distance(a.mean, a.cov, b.mean, b.cov);
}

struct InceptionScore {
    double mean = 0;  // over splits
    double std = 0;   // over splits (0 for one split)
};

// Inception score of n class-probability rows (n x classes, each summing to 1), computed on
// `splits` consecutive equal parts (the remainder goes to the last) and averaged.
template <class T>
InceptionScore inception_score(const T* probs, std::size_t n, std::size_t classes, std::size_t splits = 1) {
    if (n == 0 || classes == 0 || splits == 0 || splits > n)
        throw std::invalid_argument("inception_score: need n >= splits >= 1 and classes >= 1");
    detail::check_metric_input(probs, n, classes, "inception_score: probability", /*non_negative=*/true);
    std::vector<double> scores, marginal(classes);
    for (std::size_t s = 0; s < splits; ++s) {
        const std::size_t begin = s * (n / splits), end = s + 1 == splits ? n : begin + n / splits;
        std::fill(marginal.begin(), marginal.end(), 0.0);
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t k = 0; k < classes; ++k)
                marginal[k] += static_cast<double>(probs[i * classes + k]);
        for (double& m : marginal) m /= static_cast<double>(end - begin);
        double kl = 0;
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t k = 0; k < classes; ++k) {
                const double p = static_cast<double>(probs[i * classes + k]);
                if (p > 0) kl += p * (std::log(p) - std::log(marginal[k]));
            }
        scores.push_back(std::exp(kl / static_cast<double>(end - begin)));
    }
    InceptionScore result;
    for (double s : scores) result.mean += s / static_cast<double>(splits);
    for (double s : scores) result.std += (s - result.mean) * (s - result.mean) / static_cast<double>(splits);
    result.std = std::sqrt(result.std);
    return result;
}

}  // namespace ctnn
