// Conformance of a backend's training ops (core/train_ops.hpp): every op runs on backend B in
// float on seeded random inputs (backend memory, through from_host / to_host) and is compared with
// a float64 reference computed here on the host, within a tolerance (relative to max(1, |value|)).
// CTNN_TRAIN_OPS_CONFORMANCE(B, "name", ready) defines one TEST_CASE per op; `ready` is evaluated
// first and the case returns when it is false (cuda: no usable GPU, reported as SKIPPED).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

#include <ctnn/backend/train_ops.hpp>
#include <ctnn/core/random.hpp>

#include "conformance_support.hpp"

namespace ctnn::testing::train_conformance {

inline std::vector<float> uniform(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    return uniform_floats(n, seed, lo, hi);
}

// The worst |a - b| / max(1, |a|, |b|); infinity where one is finite and the other is not.
inline double worst_error(const std::vector<float>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double a = got[i], b = want[i];
        if (std::isfinite(a) != std::isfinite(b)) return INFINITY;
        if (!std::isfinite(a)) continue;
        worst = std::max(worst, std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)}));
    }
    return worst;
}

inline void check_close(const char* what, const std::vector<float>& got, const std::vector<double>& want,
                        double tol) {
    const double error = worst_error(got, want);
    INFO(what << ": worst relative error " << error << " over " << got.size() << " values (tolerance " << tol
              << ")");
    CHECK(error <= tol);
}

// A device scalar and scratch for reductions over up to n values, the scalar preset to 7 (so an
// op that writes nothing is seen).
template <class B>
struct Sum {
    DeviceSums<B, 1> sums;
    explicit Sum(std::size_t n) {
        sums.reserve(std::max(B::loss_scratch(n), B::sum_scratch(n)));
        const float seven = 7.0f;
        B::from_host(&seven, sums.slot(0), 1);
    }
    double value() const { return static_cast<double>(sums.read()[0]); }
};

// Sizes that cover nothing at all, one partial block, several blocks, and more than the GPU's
// sum_blocks * block_size (a grid-stride loop).
inline constexpr std::size_t sizes[] = {0, 1, 37, 1000, 70001};

template <class B>
void reduce_sum() {
    using M = Memory<B>;
    for (const std::size_t n : sizes) {
        const auto x = uniform(n, 11 + n, -2, 3);
        auto dx = M::upload(x);
        Sum<B> sum(n);
        B::reduce_sum(dx.data(), n, sum.sums.scratch(), sum.sums.slot(0));
        double want = 0;
        for (const float v : x) want += v;
        INFO("n = " << n);
        check_close("sum", {static_cast<float>(sum.value())}, {want}, 1e-4);
    }
}

template <class B>
void softmax_cross_entropy() {
    using M = Memory<B>;
    for (const std::size_t classes : {std::size_t{2}, std::size_t{10}, std::size_t{37}})
        for (const std::size_t batch : {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{3001}}) {
            auto logits = uniform(batch * classes, 100 + batch + classes, -8, 8);
            if (batch > 1) logits[classes] = 1e4f, logits[classes + 1] = -1e4f;  // huge: stays finite
            std::vector<std::int32_t> labels(batch);
            Rng rng(batch);
            for (auto& l : labels) l = static_cast<std::int32_t>(rng.next_u64() % classes);
            const double scale = batch ? 1.0 / static_cast<double>(batch) : 1.0;
            auto dlogits = M::upload(logits);
            auto dlabels = M::upload(labels);
            auto dgrad = B::template allocate<float>(batch * classes);
            Sum<B> sum(batch);
            B::softmax_cross_entropy(dlogits.data(), dlabels.data(), dgrad.data(), batch, classes,
                                     static_cast<float>(scale), sum.sums.scratch(), sum.sums.slot(0));
            std::vector<double> grad(batch * classes);
            double loss = 0;
            for (std::size_t n = 0; n < batch; ++n) {
                const float* x = logits.data() + n * classes;
                double max = x[0], total = 0;
                for (std::size_t k = 1; k < classes; ++k) max = std::max<double>(max, x[k]);
                for (std::size_t k = 0; k < classes; ++k) total += std::exp(x[k] - max);
                loss += (std::log(total) + max - x[labels[n]]) * scale;
                for (std::size_t k = 0; k < classes; ++k)
                    grad[n * classes + k] =
                        (std::exp(x[k] - max) / total - (k == std::size_t(labels[n]))) * scale;
            }
            INFO("batch " << batch << ", classes " << classes);
            check_close("loss", {static_cast<float>(sum.value())}, {loss}, 1e-4);
            check_close("dlogits", M::download(dgrad.data(), batch * classes), grad, 1e-6);
        }
}

template <class B>
void count_correct() {
    using M = Memory<B>;
    for (const std::size_t classes : {std::size_t{2}, std::size_t{10}})
        for (const std::size_t batch :
             {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{70001}}) {
            auto scores = uniform(batch * classes, 400 + batch + classes);
            for (std::size_t n = 0; n < batch; n += 7)
                scores[n * classes + 1] = scores[n * classes];  // a tie
            std::vector<std::int32_t> labels(batch);
            Rng rng(batch + 1);
            for (auto& l : labels) l = static_cast<std::int32_t>(rng.next_u64() % classes);
            for (std::size_t n = 0; n < batch; n += 3) labels[n] = 0;
            auto dscores = M::upload(scores);
            auto dlabels = M::upload(labels);
            Sum<B> sum(batch);
            B::count_correct(dscores.data(), dlabels.data(), batch, classes, sum.sums.scratch(),
                             sum.sums.slot(0));
            double want = 0;
            for (std::size_t n = 0; n < batch; ++n) {
                const float* x = scores.data() + n * classes;
                want += std::max_element(x, x + classes) - x == labels[n];  // the first maximum
            }
            INFO("batch " << batch << ", classes " << classes);
            CHECK(sum.value() == want);
        }
}

// The float64 loss and gradient of one element: 0 BCE on probabilities, 1 BCE on logits, 2 MSE,
// 3 hinge, 4 Wasserstein (targets +-1 for those two), 5 L1, 6 Huber (delta 1).
inline void reference_loss(int kind, double y, double t, double& loss, double& grad) {
    if (kind == 0) {
        loss = -(t * std::max(std::log(y), -100.0) + (1 - t) * std::max(std::log1p(-y), -100.0));
        grad = (y - t) / std::max((1 - y) * y, 1e-12);
    } else if (kind == 1) {
        loss = std::max(y, 0.0) - y * t + std::log1p(std::exp(-std::abs(y)));
        grad = 1 / (1 + std::exp(-y)) - t;
    } else if (kind == 2) {
        loss = (y - t) * (y - t);
        grad = 2 * (y - t);
    } else if (kind == 3) {
        loss = std::max(0.0, 1 - t * y);
        grad = 1 - t * y > 0 ? -t : 0.0;
    } else if (kind == 4) {
        loss = -t * y;
        grad = -t;
    } else if (kind == 5) {
        loss = std::abs(y - t);
        grad = y > t ? 1.0 : (y < t ? -1.0 : 0.0);
    } else {
        const double d = y - t;
        loss = std::abs(d) < 1 ? 0.5 * d * d : std::abs(d) - 0.5;
        grad = std::abs(d) < 1 ? d : (d > 0 ? 1.0 : -1.0);
    }
}

template <class B>
void elementwise_losses() {
    using M = Memory<B>;
    for (int kind = 0; kind < 7; ++kind)
        for (const std::size_t n : sizes) {
            auto y = kind == 0 ? uniform(n, 200 + n, 0.02, 0.98) : uniform(n, 200 + n, -6, 6);
            if (kind == 1 && n > 2) y[0] = 500.0f, y[1] = -500.0f;  // stable for huge logits
            auto t = uniform(n, 300 + n, 0, 1);
            if (kind == 3 || kind == 4)
                for (auto& v : t) v = v < 0.5f ? -1.0f : 1.0f;
            if (kind >= 5)
                for (auto& v : t) v = 12 * v - 6;  // errors on both sides of Huber's delta
            const double scale = n ? 1.0 / static_cast<double>(n) : 1.0;
            auto dy = M::upload(y);
            auto dt = M::upload(t);
            auto dgrad = B::template allocate<float>(n);
            Sum<B> sum(n);
            const auto s = static_cast<float>(scale);
            if (kind == 0)
                B::bce(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(), sum.sums.slot(0));
            if (kind == 1)
                B::bce_with_logits(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(),
                                   sum.sums.slot(0));
            if (kind == 2)
                B::mse(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(), sum.sums.slot(0));
            if (kind == 3)
                B::hinge(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(), sum.sums.slot(0));
            if (kind == 4)
                B::wasserstein(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(),
                               sum.sums.slot(0));
            if (kind == 5)
                B::l1(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(), sum.sums.slot(0));
            if (kind == 6)
                B::template huber<1.0f>(dy.data(), dt.data(), dgrad.data(), n, s, sum.sums.scratch(),
                                        sum.sums.slot(0));
            std::vector<double> grad(n);
            double loss = 0;
            for (std::size_t i = 0; i < n; ++i) {
                double l, g;
                reference_loss(kind, y[i], t[i], l, g);
                loss += l * scale;
                grad[i] = g * scale;
            }
            const char* const names[] = {"bce", "bce_with_logits", "mse", "hinge", "wasserstein"};
            INFO(names[kind] << ", n = " << n);
            check_close("loss", {static_cast<float>(sum.value())}, {loss}, 1e-4);
            check_close("gradient", M::download(dgrad.data(), n), grad, 1e-6);
        }
}

template <class B>
void sgd_step() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto p0 = uniform(n, 1), g = uniform(n, 2), v0 = uniform(n, 3);
    for (const float momentum : {0.0f, 0.9f})
        for (const bool nesterov : {false, true})
            for (const bool first : {false, true}) {
                const SgdHyper<float> h{.lr = 0.05f,
                                        .momentum = momentum,
                                        .dampening = 0.1f,
                                        .decay = 0.01f,
                                        .nesterov = nesterov,
                                        .first = first};
                auto dp = M::upload(p0), dg = M::upload(g), dv = M::upload(v0);
                B::sgd_step(dp.data(), dg.data(), momentum == 0 ? nullptr : dv.data(), n, h);
                std::vector<double> p(n), v(n);
                for (std::size_t i = 0; i < n; ++i) {
                    const double gi = double(g[i]) + double(h.decay) * p0[i];
                    if (momentum == 0) {
                        p[i] = p0[i] - double(h.lr) * gi, v[i] = v0[i];
                        continue;
                    }
                    v[i] = first ? gi : double(momentum) * v0[i] + (1 - double(h.dampening)) * gi;
                    p[i] = p0[i] - double(h.lr) * (nesterov ? gi + double(momentum) * v[i] : v[i]);
                }
                INFO("momentum " << momentum << ", nesterov " << nesterov << ", first " << first);
                check_close("params", M::download(dp.data(), n), p, 1e-6);
                check_close("velocity", M::download(dv.data(), n), v, 1e-6);
            }
}

template <class B>
void adam_step() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto p0 = uniform(n, 4), g = uniform(n, 5), m0 = uniform(n, 6, -0.1, 0.1),
               v0 = uniform(n, 7, 0, 0.01);
    for (const bool decoupled : {false, true}) {
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, decay = 0.01, t = 3;
        const double step_size = lr / (1 - std::pow(beta1, t)), c2 = std::sqrt(1 - std::pow(beta2, t));
        const AdamHyper<float> h{.lr = float(lr),
                                 .beta1 = float(beta1),
                                 .beta2 = float(beta2),
                                 .eps = float(eps),
                                 .decay = float(decay),
                                 .step_size = float(step_size),
                                 .correction2_sqrt = float(c2),
                                 .decoupled = decoupled};
        auto dp = M::upload(p0), dg = M::upload(g), dm = M::upload(m0), dv = M::upload(v0);
        B::adam_step(dp.data(), dg.data(), dm.data(), dv.data(), n, h);
        std::vector<double> p(n), m(n), v(n);
        for (std::size_t i = 0; i < n; ++i) {
            double pi = p0[i], gi = g[i];
            if (decoupled)
                pi *= 1 - lr * decay;
            else
                gi += decay * pi;
            m[i] = beta1 * m0[i] + (1 - beta1) * gi;
            v[i] = beta2 * v0[i] + (1 - beta2) * gi * gi;
            p[i] = pi - step_size * m[i] / (std::sqrt(v[i]) / c2 + eps);
        }
        INFO("decoupled " << decoupled);
        check_close("params", M::download(dp.data(), n), p, 1e-6);
        check_close("exp_avg", M::download(dm.data(), n), m, 1e-6);
        check_close("exp_avg_sq", M::download(dv.data(), n), v, 1e-6);
    }
}

template <class B>
void rmsprop_step() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto p0 = uniform(n, 41), g = uniform(n, 42), sq0 = uniform(n, 43, 0.5, 1.0),
               ga0 = uniform(n, 44, -0.1, 0.1), b0 = uniform(n, 45, -0.1, 0.1);
    for (const bool centered : {false, true})
        for (const float momentum : {0.0f, 0.8f}) {
            const RmspropHyper<float> h{.lr = 0.01f,
                                        .alpha = 0.9f,
                                        .eps = 1e-3f,
                                        .decay = 0.1f,
                                        .momentum = momentum,
                                        .centered = centered};
            auto dp = M::upload(p0), dg = M::upload(g), dsq = M::upload(sq0), dga = M::upload(ga0),
                 db = M::upload(b0);
            B::rmsprop_step(dp.data(), dg.data(), dsq.data(), centered ? dga.data() : nullptr,
                            momentum == 0 ? nullptr : db.data(), n, h);
            std::vector<double> p(n), sq(n), ga(n), b(n);
            const double alpha = h.alpha, eps = h.eps, decay = h.decay, lr = h.lr, mom = momentum;
            for (std::size_t i = 0; i < n; ++i) {
                const double gi = double(g[i]) + decay * p0[i];
                sq[i] = alpha * sq0[i] + (1 - alpha) * gi * gi;
                ga[i] = centered ? alpha * ga0[i] + (1 - alpha) * gi : ga0[i];
                const double avg = std::sqrt(centered ? sq[i] - ga[i] * ga[i] : sq[i]) + eps;
                b[i] = momentum == 0 ? b0[i] : mom * b0[i] + gi / avg;
                p[i] = p0[i] - lr * (momentum == 0 ? gi / avg : b[i]);
            }
            INFO("centered " << centered << ", momentum " << momentum);
            check_close("params", M::download(dp.data(), n), p, 1e-6);
            check_close("square_avg", M::download(dsq.data(), n), sq, 1e-6);
            check_close("grad_avg", M::download(dga.data(), n), ga, 1e-6);
            check_close("momentum_buffer", M::download(db.data(), n), b, 1e-5);
        }
}

template <class B>
void adagrad_step() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto p0 = uniform(n, 46), g = uniform(n, 47), s0 = uniform(n, 48, 0.1, 2.0);
    const AdagradHyper<float> h{.clr = 0.05f, .eps = 1e-4f, .decay = 0.2f};
    auto dp = M::upload(p0), dg = M::upload(g), ds = M::upload(s0);
    B::adagrad_step(dp.data(), dg.data(), ds.data(), n, h);
    std::vector<double> p(n), s(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double gi = double(g[i]) + double(h.decay) * p0[i];
        s[i] = s0[i] + gi * gi;
        p[i] = p0[i] - double(h.clr) * gi / (std::sqrt(s[i]) + double(h.eps));
    }
    check_close("params", M::download(dp.data(), n), p, 1e-6);
    check_close("sum", M::download(ds.data(), n), s, 1e-6);
}

template <class B>
void adadelta_step() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto p0 = uniform(n, 49), g = uniform(n, 50), sq0 = uniform(n, 51, 0.0, 1.0),
               acc0 = uniform(n, 52, 0.0, 0.1);
    const AdadeltaHyper<float> h{.lr = 1.0f, .rho = 0.9f, .eps = 1e-6f, .decay = 0.1f};
    auto dp = M::upload(p0), dg = M::upload(g), dsq = M::upload(sq0), dacc = M::upload(acc0);
    B::adadelta_step(dp.data(), dg.data(), dsq.data(), dacc.data(), n, h);
    std::vector<double> p(n), sq(n), acc(n);
    const double rho = h.rho, eps = h.eps;
    for (std::size_t i = 0; i < n; ++i) {
        const double gi = double(g[i]) + double(h.decay) * p0[i];
        sq[i] = rho * sq0[i] + (1 - rho) * gi * gi;
        const double delta = std::sqrt(acc0[i] + eps) / std::sqrt(sq[i] + eps) * gi;
        acc[i] = rho * acc0[i] + (1 - rho) * delta * delta;
        p[i] = p0[i] - double(h.lr) * delta;
    }
    check_close("params", M::download(dp.data(), n), p, 1e-5);
    check_close("square_avg", M::download(dsq.data(), n), sq, 1e-6);
    check_close("acc_delta", M::download(dacc.data(), n), acc, 1e-5);
}

template <class B>
void instance_noise() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto x0 = uniform(n, 8);
    const std::uint64_t key = detail::dropout_key(42, 3);
    auto dx = M::upload(x0);
    B::instance_noise(dx.data(), n, 0.5f, key);
    std::vector<double> want(n);
    double mean = 0, square = 0;
    for (std::size_t i = 0; i < n; ++i) {  // Box-Muller on the two halves of the hash, in double
        const std::uint64_t bits = detail::dropout_hash(key + i);
        const double u1 = (double(bits >> 40) + 1) / 16777216.0, u2 = double(bits & 0xFFFFFF) / 16777216.0;
        const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
        want[i] = x0[i] + 0.5 * z;
        mean += z, square += z * z;
    }
    mean /= double(n);
    CHECK(std::abs(mean) < 0.02);  // a standard normal, roughly
    CHECK(std::abs(square / double(n) - 1 - mean * mean) < 0.03);
    check_close("noisy x", M::download(dx.data(), n), want, 1e-6);
    auto same = M::upload(x0);  // std 0: untouched
    B::instance_noise(same.data(), n, 0.0f, key);
    CHECK(M::download(same.data(), n) == x0);
}

template <class B>
void moving_average() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    const auto live = uniform(n, 9), average0 = uniform(n, 10);
    auto dl = M::upload(live), da = M::upload(average0);
    B::moving_average(dl.data(), da.data(), n, 0.99f);
    std::vector<double> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = double(0.99f) * average0[i] + (1 - double(0.99f)) * live[i];
    check_close("average", M::download(da.data(), n), want, 1e-6);
}

template <class B>
void sigmoid() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    auto x = uniform(n, 12, -20, 20);
    x[0] = 1e4f, x[1] = -1e4f, x[2] = 0.0f;
    auto dx = M::upload(x);
    auto dy = B::template allocate<float>(n);
    B::sigmoid(dx.data(), dy.data(), n);
    std::vector<double> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = 1 / (1 + std::exp(-double(x[i])));
    const auto got = M::download(dy.data(), n);
    check_close("sigmoid", got, want, 1e-6);
    CHECK(got[0] == 1.0f);
    CHECK(got[1] == 0.0f);
    CHECK(got[2] == 0.5f);
}

template <class B>
void fill_targets() {
    using M = Memory<B>;
    const std::size_t n = 70001;
    auto t = M::upload(uniform(n, 13));
    B::fill_targets(t.data(), n - 1, 0.9f);
    const auto got = M::download(t.data(), n);
    CHECK(std::all_of(got.begin(), got.end() - 1, [](float v) { return v == 0.9f; }));
    CHECK(got.back() == uniform(n, 13).back());  // nothing past n - 1 written
}

// The gradient penalty's four ops (train/gradient_penalty.hpp) on rows of 784 and of 3 values.
template <class B>
void gradient_penalty_ops() {
    using M = Memory<B>;
    for (const std::size_t cols : {std::size_t{3}, std::size_t{784}}) {
        const std::size_t rows = 67, n = rows * cols;
        const auto a = uniform(n, 14), b = uniform(n, 15), d = uniform(n, 16);
        auto w = uniform(rows, 17, 0, 1);
        auto da = M::upload(a), db = M::upload(b), dd = M::upload(d), dw = M::upload(w);
        auto out = B::template allocate<float>(n);
        B::interpolate_rows(da.data(), db.data(), dw.data(), rows, cols, out.data());
        std::vector<double> mixed(n);
        for (std::size_t i = 0; i < n; ++i)
            mixed[i] = double(w[i / cols]) * a[i] + (1 - double(w[i / cols])) * b[i];
        check_close("interpolate_rows", M::download(out.data(), n), mixed, 1e-6);

        auto zero_row = d;
        std::fill(zero_row.begin(), zero_row.begin() + static_cast<std::ptrdiff_t>(cols), 0.0f);
        auto dz = M::upload(zero_row);
        auto norms = B::template allocate<float>(rows);
        B::row_norms(dz.data(), rows, cols, norms.data());
        std::vector<double> want_norms(rows, 0.0);
        for (std::size_t i = 0; i < n; ++i) want_norms[i / cols] += double(zero_row[i]) * zero_row[i];
        for (auto& v : want_norms) v = std::sqrt(v);
        check_close("row_norms", M::download(norms.data(), rows), want_norms, 1e-6);

        const float h = 1e-3f;
        B::step_along_rows(da.data(), dz.data(), norms.data(), h, rows, cols, out.data());
        std::vector<double> stepped(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double norm = want_norms[i / cols];
            stepped[i] = norm > 0 ? a[i] + double(h) * zero_row[i] / norm : a[i];
        }
        check_close("step_along_rows", M::download(out.data(), n), stepped, 1e-6);

        Sum<B> sum(rows);
        auto dplus = B::template allocate<float>(rows), dminus = B::template allocate<float>(rows);
        const float lambda = 10.0f;
        B::gradient_penalty(norms.data(), rows, lambda, h, dplus.data(), dminus.data(), sum.sums.scratch(),
                            sum.sums.slot(0));
        double penalty = 0;
        std::vector<double> plus(rows), minus(rows);
        for (std::size_t r = 0; r < rows; ++r) {
            const double excess = want_norms[r] - 1, scale = double(lambda) / double(rows);
            penalty += scale * excess * excess;
            plus[r] = scale * excess / double(h);
            minus[r] = -plus[r];
        }
        check_close("gradient_penalty dplus", M::download(dplus.data(), rows), plus, 1e-4);
        check_close("gradient_penalty dminus", M::download(dminus.data(), rows), minus, 1e-4);
        CHECK(sum.value() == doctest::Approx(penalty).epsilon(1e-5));
    }
}

// A conditional GAN's label ops: one-hot appended (flat, spread 1; label planes, spread 9) and
// the image columns taken back out.
template <class B>
void conditional_ops() {
    using M = Memory<B>;
    const std::size_t rows = 37, cols = 9, classes = 10;
    const auto x = uniform(rows * cols, 18);
    std::vector<std::int32_t> labels(rows);
    for (std::size_t r = 0; r < rows; ++r) labels[r] = static_cast<std::int32_t>((r * 7) % classes);
    auto dx = M::upload(x);
    auto dl = B::template allocate<std::int32_t>(rows);
    B::from_host(labels.data(), dl.data(), rows);
    for (const std::size_t spread : {std::size_t{1}, cols}) {
        const std::size_t width = cols + classes * spread;
        auto out = B::template allocate<float>(rows * width);
        B::append_one_hot(dx.data(), dl.data(), rows, cols, classes, spread, out.data());
        std::vector<double> want(rows * width);
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < width; ++c)
                want[r * width + c] =
                    c < cols ? x[r * cols + c]
                             : ((c - cols) / spread == static_cast<std::size_t>(labels[r]) ? 1 : 0);
        check_close("append_one_hot", M::download(out.data(), rows * width), want, 0);
        auto back = B::template allocate<float>(rows * cols);
        B::take_columns(out.data(), rows, width, cols, back.data());
        check_close("take_columns", M::download(back.data(), rows * cols),
                    std::vector<double>(x.begin(), x.end()), 0);
    }
}

}  // namespace ctnn::testing::train_conformance

#define CTNN_TRAIN_OPS_CASE(B, NAME, READY, OP)                                     \
    TEST_CASE(NAME " train ops conformance: " #OP " against a float64 reference") { \
        if (!(READY)) return;                                                       \
        ::ctnn::testing::train_conformance::OP<B>();                                \
    }

#define CTNN_TRAIN_OPS_CONFORMANCE(B, NAME, READY)             \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, reduce_sum)            \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, softmax_cross_entropy) \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, count_correct)         \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, elementwise_losses)    \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, sgd_step)              \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, adam_step)             \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, rmsprop_step)          \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, adagrad_step)          \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, adadelta_step)         \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, instance_noise)        \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, moving_average)        \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, sigmoid)               \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, fill_targets)          \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, gradient_penalty_ops)  \
    CTNN_TRAIN_OPS_CASE(B, NAME, READY, conditional_ops)
