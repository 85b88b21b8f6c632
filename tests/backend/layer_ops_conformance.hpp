// The conformance test of the layer ops (core/layer_ops.hpp: concept BackendLayerOps): every op on
// backend B (float), on seeded random inputs, against a float64 reference written as plain loops
// on the host from the op's definition (not from backend/layer_bodies.hpp). Inputs and results
// move with B::from_host / B::to_host. CTNN_LAYER_OPS_CONFORMANCE(B, "name", guard) defines the
// test cases ("layer ops conformance (name): ..."); `guard` starts each (the CUDA instantiation
// skips without a GPU). Instantiated by tests/backend/cpu/layer_ops_conformance.cpp (cpu::Blas)
// and tests/backend/cuda/layer_ops_conformance.cu (cuda::CuBlas).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "conformance_support.hpp"

namespace ctnn::testing::conformance {

using Host = std::vector<double>;

inline std::vector<float> random_values(std::size_t n, std::uint64_t seed, double lo = -1.0,
                                        double hi = 1.0) {
    return uniform_floats(n, seed, lo, hi);
}

inline Host widen(const std::vector<float>& x) {
    return Host(x.begin(), x.end());
}

template <class B>
using On = Memory<B>;

// CHECKs that got (backend memory, n values) matches the reference: |a - r| / max(1, |r|) <= tol.
template <class B>
void check_close(const char* what, const float* got, const Host& reference, double tol) {
    const auto host = On<B>::download(got, reference.size());
    double worst = 0;
    bool finite = true;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const double a = host[i], r = reference[i];
        if (!std::isfinite(a)) finite = false;
        worst = std::max(worst, std::abs(a - r) / std::max(1.0, std::abs(r)));
    }
    INFO(what << ": worst relative error " << worst << " over " << reference.size() << " values (tolerance "
              << tol << ")");
    CHECK(finite);
    CHECK(worst <= tol);
}

// ---------------------------------------------------------------- activations, dropout

template <class B, class Op>
void activation(std::size_t n, std::uint64_t seed) {
    const auto x = random_values(n, seed, -4.0, 4.0), dout = random_values(n, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::template zeros<float>(n), ddinp = On<B>::template zeros<float>(n);
    B::template activation_forward<Op>(dx.data(), dy.data(), n);
    Host y(n), dinp(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = Op::forward(static_cast<double>(x[i]));
    check_close<B>("activation forward", dy.data(), y, 1e-6);
    // Backward from the backend's own y (as a layer does): the reference derivative at that y.
    const auto yf = On<B>::download(dy.data(), n);
    B::template activation_backward<Op>(dx.data(), dy.data(), ddout.data(), ddinp.data(), n);
    for (std::size_t i = 0; i < n; ++i)
        dinp[i] = dout[i] * Op::derivative(static_cast<double>(x[i]), static_cast<double>(yf[i]));
    check_close<B>("activation backward", ddinp.data(), dinp, 1e-6);
}

template <class B>
void dropout(std::size_t n, double p, std::uint64_t key) {
    const auto threshold = static_cast<std::uint64_t>(p * 4294967296.0);
    const float scale = static_cast<float>(1.0 / (1.0 - p));
    const auto x = random_values(n, key);
    auto dx = On<B>::upload(x);
    auto dy = On<B>::template zeros<float>(n);
    B::dropout_mask(dx.data(), dy.data(), n, key, threshold, scale);
    Host y(n);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool keep = (detail::dropout_hash(key + i) >> 32) >= threshold;
        kept += keep;
        y[i] = keep ? static_cast<double>(x[i] * scale) : 0.0;
    }
    check_close<B>("dropout mask", dy.data(), y, 0);
    CHECK(static_cast<double>(kept) / static_cast<double>(n) == doctest::Approx(1 - p).epsilon(0.05));
}

// ---------------------------------------------------------------- pooling

template <class B, PoolGeometry G>
void pooling(std::size_t batch, std::uint64_t seed) {
    constexpr std::size_t C = G.channels, H = G.height, W = G.width, K = G.window, S = G.stride;
    constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    const std::size_t n_in = batch * C * H * W, n_out = batch * C * Ho * Wo;
    INFO("pool (C, H, W) = (" << C << ", " << H << ", " << W << "), window " << K << ", stride " << S);
    const auto x = random_values(n_in, seed), dout = random_values(n_out, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::template zeros<float>(n_out);
    auto ddinp = On<B>::upload(random_values(n_in, seed + 2));  // overwritten, not added to
    auto dargmax = On<B>::template zeros<std::uint32_t>(n_out);

    Host avg(n_out), max(n_out), avg_dinp(n_in, 0.0), max_dinp(n_in, 0.0);
    std::vector<std::uint32_t> argmax(n_out);
    for (std::size_t plane = 0; plane < batch * C; ++plane)
        for (std::size_t oh = 0; oh < Ho; ++oh)
            for (std::size_t ow = 0; ow < Wo; ++ow) {
                const std::size_t o = (plane * Ho + oh) * Wo + ow;
                double total = 0, best = -INFINITY;
                std::size_t best_at = 0;
                for (std::size_t kh = 0; kh < K; ++kh)
                    for (std::size_t kw = 0; kw < K; ++kw) {
                        const std::size_t at = (oh * S + kh) * W + ow * S + kw;
                        const double v = x[plane * H * W + at];
                        total += v;
                        if (v > best) best = v, best_at = at;
                    }
                avg[o] = total / (K * K);
                max[o] = best;
                argmax[o] = static_cast<std::uint32_t>(best_at);
                for (std::size_t kh = 0; kh < K; ++kh)
                    for (std::size_t kw = 0; kw < K; ++kw)
                        avg_dinp[plane * H * W + (oh * S + kh) * W + ow * S + kw] += dout[o] / (K * K);
                max_dinp[plane * H * W + best_at] += dout[o];
            }

    B::template avg_pool_forward<G>(dx.data(), dy.data(), batch);
    check_close<B>("avg_pool_forward", dy.data(), avg, 1e-6);
    B::template avg_pool_backward<G>(ddout.data(), ddinp.data(), batch);
    check_close<B>("avg_pool_backward", ddinp.data(), avg_dinp, 1e-6);
    B::template max_pool_forward<G>(dx.data(), dy.data(), dargmax.data(), batch);
    check_close<B>("max_pool_forward", dy.data(), max, 0);
    CHECK(On<B>::download(dargmax.data(), n_out) == argmax);
    B::template max_pool_backward<G>(ddout.data(), dargmax.data(), ddinp.data(), batch);
    check_close<B>("max_pool_backward", ddinp.data(), max_dinp, 1e-6);
}

// ---------------------------------------------------------------- softmax

template <class B>
void softmax(std::size_t rows, std::size_t cols, std::uint64_t seed) {
    INFO("softmax " << rows << " x " << cols);
    const std::size_t n = rows * cols;
    const auto x = random_values(n, seed, -5.0, 5.0), dout = random_values(n, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::template zeros<float>(n), ddinp = On<B>::template zeros<float>(n);
    Host y(n), dinp(n);
    for (std::size_t r = 0; r < rows; ++r) {
        double max = -INFINITY, total = 0, dot = 0;
        for (std::size_t k = 0; k < cols; ++k) max = std::max(max, static_cast<double>(x[r * cols + k]));
        for (std::size_t k = 0; k < cols; ++k) total += std::exp(x[r * cols + k] - max);
        for (std::size_t k = 0; k < cols; ++k) y[r * cols + k] = std::exp(x[r * cols + k] - max) / total;
        for (std::size_t k = 0; k < cols; ++k) dot += dout[r * cols + k] * y[r * cols + k];
        for (std::size_t k = 0; k < cols; ++k)
            dinp[r * cols + k] = y[r * cols + k] * (dout[r * cols + k] - dot);
    }
    B::softmax_rows(dx.data(), dy.data(), rows, cols);
    check_close<B>("softmax_rows", dy.data(), y, 1e-6);
    B::softmax_rows_backward(dy.data(), ddout.data(), ddinp.data(), rows, cols);
    check_close<B>("softmax_rows_backward", ddinp.data(), dinp, 1e-6);
}

// ---------------------------------------------------------------- BatchNorm

template <class B, BatchNormGeometry G>
void batch_norm(std::size_t batch, std::uint64_t seed) {
    constexpr std::size_t C = G.channels, S = G.spatial;
    INFO("batch norm C " << C << ", S " << S << ", batch " << batch);
    const std::size_t n = batch * C * S, count = batch * S;
    const double momentum = 0.1, eps = 1e-5;
    const auto x = random_values(n, seed, -2.0, 3.0), dout = random_values(n, seed + 1);
    const auto gamma = random_values(C, seed + 2, 0.5, 1.5), beta = random_values(C, seed + 3);
    const auto running_mean = random_values(C, seed + 4), running_var = random_values(C, seed + 5, 0.5, 2.0);
    const auto dgamma0 = random_values(C, seed + 6), dbeta0 = random_values(C, seed + 7);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout), dgamma = On<B>::upload(gamma);
    auto dbeta = On<B>::upload(beta), drm = On<B>::upload(running_mean), drv = On<B>::upload(running_var);
    auto dstats = On<B>::template zeros<float>(5 * C), dy = On<B>::template zeros<float>(n);
    auto ddinp = On<B>::template zeros<float>(n), ddgamma = On<B>::upload(dgamma0);
    auto ddbeta = On<B>::upload(dbeta0);
    const auto at = [](std::size_t b, std::size_t c, std::size_t s) { return (b * C + c) * S + s; };

    Host mean(C), invstd(C), rm(C), rv(C), y(n), dinp(n), dg(C), db(C), dinp_eval(n), eval_invstd(C);
    Host y_eval(n);
    for (std::size_t c = 0; c < C; ++c) {
        double sum = 0, squares = 0, g = 0, gx = 0;
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t s = 0; s < S; ++s) sum += x[at(b, c, s)];
        mean[c] = sum / count;
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t s = 0; s < S; ++s)
                squares += (x[at(b, c, s)] - mean[c]) * (x[at(b, c, s)] - mean[c]);
        invstd[c] = 1 / std::sqrt(squares / count + eps);
        rm[c] = (1 - momentum) * running_mean[c] + momentum * mean[c];
        rv[c] = (1 - momentum) * running_var[c] + momentum * squares / (count - 1);
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t s = 0; s < S; ++s) {
                const double xhat = (x[at(b, c, s)] - mean[c]) * invstd[c];
                y[at(b, c, s)] = gamma[c] * xhat + beta[c];
                g += dout[at(b, c, s)];
                gx += dout[at(b, c, s)] * xhat;
            }
        db[c] = dbeta0[c] + g;
        dg[c] = dgamma0[c] + gx;
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t s = 0; s < S; ++s) {
                const double xhat = (x[at(b, c, s)] - mean[c]) * invstd[c];
                dinp[at(b, c, s)] =
                    gamma[c] * invstd[c] * (dout[at(b, c, s)] - g / count - xhat * gx / count);
            }
        // Eval: the running statistics (the updated ones) are constants.
        eval_invstd[c] = 1 / std::sqrt(static_cast<double>(static_cast<float>(rv[c])) + eps);
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t s = 0; s < S; ++s) {
                y_eval[at(b, c, s)] =
                    gamma[c] * eval_invstd[c] * (x[at(b, c, s)] - static_cast<float>(rm[c])) + beta[c];
                dinp_eval[at(b, c, s)] = gamma[c] * eval_invstd[c] * dout[at(b, c, s)];
            }
    }
    Host scale(C);
    for (std::size_t c = 0; c < C; ++c) scale[c] = gamma[c] * invstd[c];

    B::template batch_norm_moments<G>(dx.data(), batch, dgamma.data(), drm.data(), drv.data(), dstats.data(),
                                      momentum, eps);
    check_close<B>("batch_norm_moments: mean", dstats.data(), mean, 1e-6);
    check_close<B>("batch_norm_moments: 1/std", dstats.data() + C, invstd, 1e-5);
    check_close<B>("batch_norm_moments: gamma/std", dstats.data() + 2 * C, scale, 1e-5);
    check_close<B>("batch_norm_moments: running mean", drm.data(), rm, 1e-6);
    check_close<B>("batch_norm_moments: running var", drv.data(), rv, 1e-6);
    B::template batch_norm_normalize<G>(dx.data(), dy.data(), batch, dstats.data(), dbeta.data());
    check_close<B>("batch_norm_normalize", dy.data(), y, 1e-5);
    B::template batch_norm_backward<G>(dx.data(), ddout.data(), ddinp.data(), batch, dstats.data(),
                                       ddgamma.data(), ddbeta.data(), Mode::train);
    check_close<B>("batch_norm_backward: dinp", ddinp.data(), dinp, 1e-4);
    check_close<B>("batch_norm_backward: dgamma", ddgamma.data(), dg, 1e-4);
    check_close<B>("batch_norm_backward: dbeta", ddbeta.data(), db, 1e-5);
    // dinp null: the parameter gradients only (added again).
    B::template batch_norm_backward<G>(dx.data(), ddout.data(), nullptr, batch, dstats.data(), ddgamma.data(),
                                       ddbeta.data(), Mode::train);
    for (std::size_t c = 0; c < C; ++c) dg[c] += dg[c] - dgamma0[c], db[c] += db[c] - dbeta0[c];
    check_close<B>("batch_norm_backward (no dinp): dgamma", ddgamma.data(), dg, 1e-4);
    check_close<B>("batch_norm_backward (no dinp): dbeta", ddbeta.data(), db, 1e-5);

    B::template batch_norm_running_stats<G>(dgamma.data(), drm.data(), drv.data(), dstats.data(), eps);
    check_close<B>("batch_norm_running_stats: 1/std", dstats.data() + C, eval_invstd, 1e-5);
    B::template batch_norm_normalize<G>(dx.data(), dy.data(), batch, dstats.data(), dbeta.data());
    check_close<B>("batch_norm_normalize (eval)", dy.data(), y_eval, 1e-5);
    B::template batch_norm_backward<G>(dx.data(), ddout.data(), ddinp.data(), batch, dstats.data(),
                                       ddgamma.data(), ddbeta.data(), Mode::eval);
    check_close<B>("batch_norm_backward (eval): dinp", ddinp.data(), dinp_eval, 1e-5);
}

// ---------------------------------------------------------------- padding

template <class B, PadGeometry G>
void padding(std::size_t batch, std::uint64_t seed) {
    constexpr std::size_t C = G.channels, H = G.height, W = G.width, P = G.pad;
    constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    const std::size_t n_in = batch * C * H * W, n_out = batch * C * Ho * Wo;
    const auto x = random_values(n_in, seed), dout = random_values(n_out, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::upload(random_values(n_out, seed + 2)), ddinp = On<B>::template zeros<float>(n_in);
    Host y(n_out, 0.0), dinp(n_in);
    for (std::size_t plane = 0; plane < batch * C; ++plane)
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t w = 0; w < W; ++w) {
                y[(plane * Ho + h + P) * Wo + w + P] = x[(plane * H + h) * W + w];
                dinp[(plane * H + h) * W + w] = dout[(plane * Ho + h + P) * Wo + w + P];
            }
    B::template pad2d<G>(dx.data(), dy.data(), batch);
    check_close<B>("pad2d", dy.data(), y, 0);
    B::template unpad2d<G>(ddout.data(), ddinp.data(), batch);
    check_close<B>("unpad2d", ddinp.data(), dinp, 0);
}

// ---------------------------------------------------------------- resampling

template <class B>
void add_to(std::size_t n, std::uint64_t seed) {
    const auto x = random_values(n, seed), y0 = random_values(n, seed + 1);
    auto dx = On<B>::upload(x), dy = On<B>::upload(y0);
    Host y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = double(y0[i]) + x[i];
    B::add_to(dx.data(), dy.data(), n);
    check_close<B>("add_to", dy.data(), y, 1e-6);
}

template <class B>
void global_avg_pool(std::size_t rows, std::size_t spatial, std::uint64_t seed) {
    const auto x = random_values(rows * spatial, seed), dout = random_values(rows, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::upload(random_values(rows, seed + 2)),
         ddinp = On<B>::upload(random_values(rows * spatial, seed + 3));
    Host y(rows, 0.0), dinp(rows * spatial);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t s = 0; s < spatial; ++s) y[r] += x[r * spatial + s];
        y[r] /= double(spatial);
        for (std::size_t s = 0; s < spatial; ++s) dinp[r * spatial + s] = dout[r] / double(spatial);
    }
    B::global_avg_pool_forward(dx.data(), dy.data(), rows, spatial);
    check_close<B>("global_avg_pool_forward", dy.data(), y, 1e-6);
    B::global_avg_pool_backward(ddout.data(), ddinp.data(), rows, spatial);
    check_close<B>("global_avg_pool_backward", ddinp.data(), dinp, 1e-6);
}

template <class B, UpsampleGeometry G>
void upsample(std::size_t batch, std::uint64_t seed) {
    constexpr std::size_t C = G.channels, H = G.height, W = G.width, F = G.factor;
    constexpr std::size_t Ho = G.out_height(), Wo = G.out_width();
    const std::size_t n_in = batch * C * H * W, n_out = batch * C * Ho * Wo;
    const auto x = random_values(n_in, seed), dout = random_values(n_out, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::upload(random_values(n_out, seed + 2)),
         ddinp = On<B>::upload(random_values(n_in, seed + 3));
    Host y(n_out), dinp(n_in, 0.0);
    for (std::size_t plane = 0; plane < batch * C; ++plane)
        for (std::size_t oh = 0; oh < Ho; ++oh)
            for (std::size_t ow = 0; ow < Wo; ++ow) {
                const std::size_t o = (plane * Ho + oh) * Wo + ow, i = (plane * H + oh / F) * W + ow / F;
                y[o] = x[i];
                dinp[i] += dout[o];
            }
    B::template upsample_nearest<G>(dx.data(), dy.data(), batch);
    check_close<B>("upsample_nearest", dy.data(), y, 0);
    B::template upsample_nearest_backward<G>(ddout.data(), ddinp.data(), batch);
    check_close<B>("upsample_nearest_backward", ddinp.data(), dinp, 1e-6);
}

template <class B, GroupNormGeometry G>
void group_norm(std::size_t batch, std::uint64_t seed) {
    constexpr std::size_t C = G.channels, S = G.spatial, K = G.groups, M = G.group_size(),
                          A = G.affine_count();
    constexpr std::size_t sample = C * S;
    INFO("group norm C " << C << ", S " << S << ", groups " << K << ", per element " << G.per_element);
    const double eps = 1e-5;
    const std::size_t n = batch * sample;
    const auto x = random_values(n, seed, -2.0, 3.0), dout = random_values(n, seed + 1),
               gamma = random_values(A, seed + 2, 0.5, 1.5), beta = random_values(A, seed + 3),
               dgamma0 = random_values(A, seed + 4), dbeta0 = random_values(A, seed + 5);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout), dgam = On<B>::upload(gamma),
         dbet = On<B>::upload(beta);
    auto ddg = On<B>::upload(dgamma0), ddb = On<B>::upload(dbeta0);
    auto dy = On<B>::template zeros<float>(n), ddinp = On<B>::template zeros<float>(n),
         dstats = On<B>::template zeros<float>(2 * batch * K);
    Host y(n), dinp(n), dg(dgamma0.begin(), dgamma0.end()), db(dbeta0.begin(), dbeta0.end());
    for (std::size_t r = 0; r < batch * K; ++r) {
        const std::size_t first = (r % K) * M;
        double mean = 0, var = 0;
        for (std::size_t i = 0; i < M; ++i) mean += x[r * M + i];
        mean /= M;
        for (std::size_t i = 0; i < M; ++i) var += (x[r * M + i] - mean) * (x[r * M + i] - mean);
        const double rstd = 1 / std::sqrt(var / M + eps);
        double sd = 0, sdx = 0;
        const auto a_of = [&](std::size_t i) { return G.per_element ? first + i : (first + i) / S; };
        for (std::size_t i = 0; i < M; ++i) {
            const double xhat = (x[r * M + i] - mean) * rstd, d = dout[r * M + i] * gamma[a_of(i)];
            y[r * M + i] = xhat * gamma[a_of(i)] + beta[a_of(i)];
            sd += d, sdx += d * xhat;
            dg[a_of(i)] += dout[r * M + i] * xhat, db[a_of(i)] += dout[r * M + i];
        }
        for (std::size_t i = 0; i < M; ++i) {
            const double xhat = (x[r * M + i] - mean) * rstd, d = dout[r * M + i] * gamma[a_of(i)];
            dinp[r * M + i] = rstd * (d - sd / M - xhat * sdx / M);
        }
    }
    B::template group_norm_forward<G>(dx.data(), dy.data(), batch, dgam.data(), dbet.data(), dstats.data(),
                                      eps);
    check_close<B>("group_norm_forward", dy.data(), y, 1e-5);
    B::template group_norm_backward<G>(dx.data(), ddout.data(), ddinp.data(), batch, dgam.data(),
                                       dstats.data(), ddg.data(), ddb.data());
    check_close<B>("group_norm_backward: dinp", ddinp.data(), dinp, 1e-5);
    check_close<B>("group_norm_backward: dgamma", ddg.data(), dg, 1e-4);
    check_close<B>("group_norm_backward: dbeta", ddb.data(), db, 1e-5);
}

// ---------------------------------------------------------------- MinibatchStddev

template <class B, MinibatchStddevGeometry G>
void minibatch_stddev(std::size_t batch, std::uint64_t seed) {
    constexpr std::size_t F = G.features, A = G.appended, OF = G.out_features(), K = G.group;
    INFO("minibatch stddev F " << F << ", appended " << A << ", group " << K << ", batch " << batch);
    const double eps = 1e-8;
    const auto x = random_values(batch * F, seed), dout = random_values(batch * OF, seed + 1);
    auto dx = On<B>::upload(x), ddout = On<B>::upload(dout);
    auto dy = On<B>::template zeros<float>(batch * OF), ddinp = On<B>::template zeros<float>(batch * F);
    Host y(batch * OF), dinp(batch * F);
    for (std::size_t first = 0; first < batch; first += K) {
        const std::size_t count = std::min(K, batch - first);
        double spread = 0, dm = 0;
        Host mean(F), stddev(F);
        for (std::size_t f = 0; f < F; ++f) {
            double sum = 0, squares = 0;
            for (std::size_t b = first; b < first + count; ++b) sum += x[b * F + f];
            mean[f] = sum / count;
            for (std::size_t b = first; b < first + count; ++b)
                squares += (x[b * F + f] - mean[f]) * (x[b * F + f] - mean[f]);
            stddev[f] = std::sqrt(squares / count + eps);
            spread += stddev[f];
        }
        for (std::size_t b = first; b < first + count; ++b) {
            for (std::size_t f = 0; f < F; ++f) y[b * OF + f] = x[b * F + f];
            for (std::size_t s = 0; s < A; ++s) {
                y[b * OF + F + s] = spread / F;
                dm += dout[b * OF + F + s];
            }
        }
        for (std::size_t b = first; b < first + count; ++b)
            for (std::size_t f = 0; f < F; ++f)
                dinp[b * F + f] = dout[b * OF + f] + dm / (count * F) * (x[b * F + f] - mean[f]) / stddev[f];
    }
    B::template minibatch_stddev_forward<G>(dx.data(), dy.data(), batch, eps);
    check_close<B>("minibatch_stddev_forward", dy.data(), y, 1e-6);
    B::template minibatch_stddev_backward<G>(dx.data(), ddout.data(), ddinp.data(), batch, eps);
    check_close<B>("minibatch_stddev_backward", ddinp.data(), dinp, 1e-5);
}

// ---------------------------------------------------------------- SpectralNorm

template <class B, SpectralGeometry G>
void spectral_norm(std::uint64_t seed) {
    INFO("spectral norm " << G.rows << " x " << G.cols << (G.permuted ? " (permuted)" : ""));
    const std::size_t n = G.size();
    const auto w = random_values(n, seed), g = random_values(n, seed + 1);
    const auto u0 = random_values(G.rows, seed + 2), v0 = random_values(G.cols, seed + 3);
    auto dw = On<B>::upload(w), dg = On<B>::upload(g), du = On<B>::upload(u0), dv = On<B>::upload(v0);
    auto dgrad = On<B>::upload(random_values(n, seed + 4));
    auto w_sn = On<B>::template zeros<float>(n), scalars = On<B>::template zeros<float>(4);
    auto work = On<B>::template zeros<float>(std::max(n, std::max(G.rows, G.cols)));
    auto scratch = On<B>::template zeros<float>(B::sum_scratch(n));
    const auto at = [&](std::size_t r, std::size_t c) { return double(w[G.offset(r, c)]); };
    Host u(G.rows), v(G.cols);
    double norm = 0;
    for (std::size_t c = 0; c < G.cols; ++c) {
        for (std::size_t r = 0; r < G.rows; ++r) v[c] += at(r, c) * u0[r];
        norm += v[c] * v[c];
    }
    for (auto& x : v) x /= std::sqrt(norm);
    norm = 0;
    for (std::size_t r = 0; r < G.rows; ++r) {
        for (std::size_t c = 0; c < G.cols; ++c) u[r] += at(r, c) * v[c];
        norm += u[r] * u[r];
    }
    for (auto& x : u) x /= std::sqrt(norm);
    double sigma = 0, dot = 0;
    for (std::size_t r = 0; r < G.rows; ++r)
        for (std::size_t c = 0; c < G.cols; ++c) sigma += u[r] * at(r, c) * v[c];
    Host normalized(n), grad(widen(random_values(n, seed + 4)));
    for (std::size_t i = 0; i < n; ++i) normalized[i] = w[i] / sigma, dot += g[i] * normalized[i];
    for (std::size_t i = 0; i < n; ++i) grad[i] += (g[i] - dot * u[G.row_of(i)] * v[G.col_of(i)]) / sigma;
    B::template spectral_norm_forward<G>(dw.data(), du.data(), dv.data(), w_sn.data(), scalars.data(),
                                         work.data(), scratch.data(), true, 1e-12);
    check_close<B>("spectral_norm_forward v", dv.data(), v, 1e-5);
    check_close<B>("spectral_norm_forward u", du.data(), u, 1e-5);
    check_close<B>("spectral_norm_forward w_sn", w_sn.data(), normalized, 1e-5);
    B::template spectral_norm_backward<G>(w_sn.data(), dg.data(), du.data(), dv.data(), scalars.data(),
                                          work.data(), scratch.data(), dgrad.data());
    check_close<B>("spectral_norm_backward", dgrad.data(), grad, 1e-4);
}

}  // namespace ctnn::testing::conformance

// The test cases for backend B (a type), named "layer ops conformance (NAME): ..."; GUARD is a
// statement that starts each (CTNN_REQUIRE_GPU() for CUDA, nothing for the CPU).
#define CTNN_LAYER_OPS_CONFORMANCE(B, NAME, GUARD)                                                          \
    static_assert(::ctnn::BackendLayerOps<B>);                                                              \
    TEST_CASE("layer ops conformance (" NAME "): activation forward and backward") {                        \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::activation<B, ::ctnn::ops::Relu>(1000, 1);                                                       \
        c::activation<B, ::ctnn::ops::LeakyRelu<0.2f>>(1000, 2);                                            \
        c::activation<B, ::ctnn::ops::Tanh>(5000, 3);                                                       \
        c::activation<B, ::ctnn::ops::Sigmoid>(5000, 4);                                                    \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): dropout_mask") {                                           \
        GUARD;                                                                                              \
        ::ctnn::testing::conformance::dropout<B>(20000, 0.3, 0x5EEDull);                                    \
        ::ctnn::testing::conformance::dropout<B>(20000, 0.5, 77);                                           \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): avg and max pooling, disjoint and overlapping") {          \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::pooling<B, ::ctnn::PoolGeometry{3, 8, 8, 2, 2}>(4, 10);                                          \
        c::pooling<B, ::ctnn::PoolGeometry{2, 9, 7, 3, 2}>(3, 11);                                          \
        c::pooling<B, ::ctnn::PoolGeometry{2, 6, 7, 3, 1}>(2, 12);                                          \
        c::pooling<B, ::ctnn::PoolGeometry{2, 8, 8, 2, 3}>(3, 13);                                          \
        c::pooling<B, ::ctnn::PoolGeometry{6, 28, 28, 2, 2}>(5, 14);                                        \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): softmax rows") {                                           \
        GUARD;                                                                                              \
        ::ctnn::testing::conformance::softmax<B>(17, 10, 20);                                               \
        ::ctnn::testing::conformance::softmax<B>(5, 100, 21);                                               \
        ::ctnn::testing::conformance::softmax<B>(3, 1, 22);                                                 \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): BatchNorm moments, normalize, backward (flat, 2-D)") {     \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::batch_norm<B, ::ctnn::BatchNormGeometry{6, 1}>(16, 30);                                          \
        c::batch_norm<B, ::ctnn::BatchNormGeometry{4, 25}>(6, 31);                                          \
        c::batch_norm<B, ::ctnn::BatchNormGeometry{3, 49}>(5, 32);                                          \
        c::batch_norm<B, ::ctnn::BatchNormGeometry{2, 300}>(3, 33);                                         \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): pad2d and unpad2d") {                                      \
        GUARD;                                                                                              \
        ::ctnn::testing::conformance::padding<B, ::ctnn::PadGeometry{2, 5, 6, 2}>(3, 40);                   \
        ::ctnn::testing::conformance::padding<B, ::ctnn::PadGeometry{1, 28, 28, 2}>(2, 41);                 \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): add_to, global average pooling, nearest upsampling") {     \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::add_to<B>(70001, 69);                                                                            \
        c::global_avg_pool<B>(12, 49, 70);                                                                  \
        c::global_avg_pool<B>(5, 1, 71);                                                                    \
        c::upsample<B, ::ctnn::UpsampleGeometry{3, 4, 5, 2}>(2, 72);                                        \
        c::upsample<B, ::ctnn::UpsampleGeometry{2, 7, 7, 3}>(3, 73);                                        \
        c::upsample<B, ::ctnn::UpsampleGeometry{1, 2, 3, 1}>(2, 74);                                        \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): group norm (per channel, flat, layer norm per element)") { \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::group_norm<B, ::ctnn::GroupNormGeometry{8, 25, 4, false}>(3, 80);                                \
        c::group_norm<B, ::ctnn::GroupNormGeometry{6, 1, 3, false}>(5, 81);                                 \
        c::group_norm<B, ::ctnn::GroupNormGeometry{3, 49, 3, false}>(2, 82);                                \
        c::group_norm<B, ::ctnn::GroupNormGeometry{300, 1, 1, true}>(4, 83);                                \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): spectral norm power iteration and backward") {             \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::spectral_norm<B, ::ctnn::SpectralGeometry{4, 6, 1, false}>(60);                                  \
        c::spectral_norm<B, ::ctnn::SpectralGeometry{64, 1152, 9, false}>(61);                              \
        c::spectral_norm<B, ::ctnn::SpectralGeometry{2, 48, 16, true}>(62);                                 \
    }                                                                                                       \
    TEST_CASE("layer ops conformance (" NAME "): minibatch stddev (flat, per channel, a short group)") {    \
        GUARD;                                                                                              \
        namespace c = ::ctnn::testing::conformance;                                                         \
        c::minibatch_stddev<B, ::ctnn::MinibatchStddevGeometry{32, 1, 4}>(16, 50);                          \
        c::minibatch_stddev<B, ::ctnn::MinibatchStddevGeometry{200, 25, 4}>(6, 51);                         \
        c::minibatch_stddev<B, ::ctnn::MinibatchStddevGeometry{7, 1, 3}>(2, 52);                            \
    }
