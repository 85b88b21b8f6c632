// BatchNorm<Momentum, Eps>: y = gamma (x - mean) / sqrt(var + eps) + beta, per feature of a flat
// input (N, F) like PyTorch's BatchNorm1d, per channel of (N, C, H, W) like BatchNorm2d.
// Train: batch mean and biased variance; running_mean/running_var move by Momentum (the variance
// term unbiased). Eval: the running statistics. Parameters: weight = gamma (C), bias = beta (C);
// state: running_mean (C), running_var (C). Caches the per-channel mean and 1/std for backward.
#pragma once

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "ctnn/core/concepts.hpp"

// N batch, C channels (features of a flat input), H, W; S = H * W (1 for a flat input).

namespace ctnn {

template <float Momentum = 0.1f, float Eps = 1e-5f>
struct BatchNorm {
    static_assert(Eps > 0.0f, "BatchNorm<Momentum, Eps>: Eps must be positive");
    static_assert(Momentum >= 0.0f && Momentum <= 1.0f,
                  "BatchNorm<Momentum, Eps>: Momentum must be in [0, 1]");

    template <class In>
    struct bind {
        static_assert(In::rank == 1 || In::rank == 3, "BatchNorm: input must be (F) or (C, H, W)");
        using in_shape = In;
        using out_shape = In;
        static constexpr std::size_t channels = In::dims[0];
        static constexpr std::size_t spatial = In::size / channels;
        static constexpr std::string_view kind = "batchnorm";
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {channels}, 1, InitRole::ones, 1, 1},
            {"bias", {channels}, 1, InitRole::zeros, 1, 1},
        }};
        static constexpr std::array<ParamSpec, 2> state{{
            {"running_mean", {channels}, 1, InitRole::zeros, 1, 1},
            {"running_var", {channels}, 1, InitRole::ones, 1, 1},
        }};
        static constexpr std::size_t param_count = total_count(params);
        // One multiply-add per element (scale and shift are folded per channel).
        static constexpr std::size_t flops = In::size;
        static std::string name() {
            char text[64];
            std::snprintf(text, sizeof text, "BatchNorm<%g, %g>", static_cast<double>(Momentum),
                          static_cast<double>(Eps));
            return text;
        }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            // Per-channel workspace: mean, 1/std, gamma/std, and backward's two reductions.
            impl() : m_work(B::template allocate<T>(5 * channels)) {}

            void bind_parameters(T* params, T* grads) {
                m_gamma = params;
                m_beta = params + channels;
                m_dgamma = grads;
                m_dbeta = grads + channels;
            }

            void bind_state(T* state) {
                m_running_mean = state;
                m_running_var = state + channels;
            }

            void forward(const T* in, T* out, std::size_t batch, Mode mode) {
                m_mode = mode;
                T* mean = m_work.data();
                T* invstd = mean + channels;
                T* scale = invstd + channels;
                const T* gamma = m_gamma;
                if (mode == Mode::train) {
                    const std::size_t count = batch * spatial;  // values per channel
                    if (count < 2)
                        throw std::invalid_argument(
                            "BatchNorm: training needs more than one value per channel (batch size 1 on a "
                            "flat input)");
                    T* running_mean = m_running_mean;
                    T* running_var = m_running_var;
                    for_each_weighted<B>(channels, 2 * count, [in, batch, count, mean, invstd, scale, gamma, running_mean,
                                                              running_var] CTNN_HD(std::size_t c) {
                        // Two passes (mean, then squared deviations) in double for accuracy, each
                        // in four independent sums (one chain of dependent adds is 4x slower).
                        double totals[4] = {0, 0, 0, 0};
                        for (std::size_t n = 0; n < batch; ++n) {
                            const T* x = in + (n * channels + c) * spatial;
                            std::size_t s = 0;
                            for (; s + 4 <= spatial; s += 4)
                                for (std::size_t j = 0; j < 4; ++j) totals[j] += static_cast<double>(x[s + j]);
                            for (; s < spatial; ++s) totals[0] += static_cast<double>(x[s]);
                        }
                        const double mu = ((totals[0] + totals[1]) + (totals[2] + totals[3])) / static_cast<double>(count);
                        double sums[4] = {0, 0, 0, 0};
                        for (std::size_t n = 0; n < batch; ++n) {
                            const T* x = in + (n * channels + c) * spatial;
                            std::size_t s = 0;
                            for (; s + 4 <= spatial; s += 4)
                                for (std::size_t j = 0; j < 4; ++j) {
                                    const double d = static_cast<double>(x[s + j]) - mu;
                                    sums[j] += d * d;
                                }
                            for (; s < spatial; ++s) {
                                const double d = static_cast<double>(x[s]) - mu;
                                sums[0] += d * d;
                            }
                        }
                        const double squares = (sums[0] + sums[1]) + (sums[2] + sums[3]);
                        const double var = squares / static_cast<double>(count);
                        const double unbiased = squares / static_cast<double>(count - 1);
                        constexpr double m = static_cast<double>(Momentum);
                        mean[c] = static_cast<T>(mu);
                        invstd[c] = static_cast<T>(1.0 / std::sqrt(var + static_cast<double>(Eps)));
                        scale[c] = gamma[c] * invstd[c];
                        running_mean[c] =
                            static_cast<T>((1 - m) * static_cast<double>(running_mean[c]) + m * mu);
                        running_var[c] =
                            static_cast<T>((1 - m) * static_cast<double>(running_var[c]) + m * unbiased);
                    });
                } else {
                    const T* running_mean = m_running_mean;
                    const T* running_var = m_running_var;
                    B::for_each(
                        channels,
                        [mean, invstd, scale, gamma, running_mean, running_var] CTNN_HD(std::size_t c) {
                            mean[c] = running_mean[c];
                            invstd[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(running_var[c]) +
                                                                       static_cast<double>(Eps)));
                            scale[c] = gamma[c] * invstd[c];
                        });
                }
                const T* beta = m_beta;
                // One body per row (n, c) of S values (per sample n for a flat input): the
                // channel's constants are loaded once and the inner loop vectorizes.
                for_each_weighted<B>(rows(batch), row_length, [in, out, mean, scale, beta] CTNN_HD(std::size_t r) {
                    const std::size_t base = r * row_length;
                    for (std::size_t j = 0; j < row_length; ++j) {
                        const std::size_t c = spatial == 1 ? j : r % channels;
                        out[base + j] = (in[base + j] - mean[c]) * scale[c] + beta[c];
                    }
                });
            }

            // Train mode (the last forward's): with xhat = (x - mean) / std and M = N * S values
            // per channel, dinp = gamma / std * (dout - mean(dout) - xhat * mean(dout * xhat)).
            // After an eval forward the statistics are constants: dinp = gamma / std * dout.
            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                const T* mean = m_work.data();
                const T* invstd = mean + channels;
                const T* scale = invstd + channels;
                T* mean_dout = m_work.data() + 3 * channels;
                T* mean_dout_xhat = mean_dout + channels;
                T* dgamma = m_dgamma;
                T* dbeta = m_dbeta;
                const double count = static_cast<double>(batch * spatial);
                for_each_weighted<B>(channels, 2 * batch * spatial, [in, dout, batch, count, mean, invstd, mean_dout, mean_dout_xhat,
                                       dgamma, dbeta] CTNN_HD(std::size_t c) {
                    // Four independent pairs of sums (not one chain of dependent adds).
                    double sums[4] = {0, 0, 0, 0}, sums_xhat[4] = {0, 0, 0, 0};
                    const T mu = mean[c], inv = invstd[c];
                    for (std::size_t n = 0; n < batch; ++n) {
                        const T* d = dout + (n * channels + c) * spatial;
                        const T* x = in + (n * channels + c) * spatial;
                        std::size_t s = 0;
                        for (; s + 4 <= spatial; s += 4)
                            for (std::size_t j = 0; j < 4; ++j) {
                                const double g = static_cast<double>(d[s + j]);
                                sums[j] += g;
                                sums_xhat[j] += g * static_cast<double>((x[s + j] - mu) * inv);
                            }
                        for (; s < spatial; ++s) {
                            const double g = static_cast<double>(d[s]);
                            sums[0] += g;
                            sums_xhat[0] += g * static_cast<double>((x[s] - mu) * inv);
                        }
                    }
                    const double sum_dout = (sums[0] + sums[1]) + (sums[2] + sums[3]);
                    const double sum_dout_xhat = (sums_xhat[0] + sums_xhat[1]) + (sums_xhat[2] + sums_xhat[3]);
                    dbeta[c] += static_cast<T>(sum_dout);
                    dgamma[c] += static_cast<T>(sum_dout_xhat);
                    mean_dout[c] = static_cast<T>(sum_dout / count);
                    mean_dout_xhat[c] = static_cast<T>(sum_dout_xhat / count);
                });
                if (!dinp) return;
                if (m_mode == Mode::train)
                    for_each_weighted<B>(rows(batch), row_length, [in, dout, dinp, mean, invstd, scale, mean_dout,
                                                                  mean_dout_xhat] CTNN_HD(std::size_t r) {
                        const std::size_t base = r * row_length;
                        for (std::size_t j = 0; j < row_length; ++j) {
                            const std::size_t c = spatial == 1 ? j : r % channels, i = base + j;
                            const T xhat = (in[i] - mean[c]) * invstd[c];
                            dinp[i] = scale[c] * (dout[i] - mean_dout[c] - xhat * mean_dout_xhat[c]);
                        }
                    });
                else
                    for_each_weighted<B>(rows(batch), row_length, [dout, dinp, scale] CTNN_HD(std::size_t r) {
                        const std::size_t base = r * row_length;
                        for (std::size_t j = 0; j < row_length; ++j)
                            dinp[base + j] = scale[spatial == 1 ? j : r % channels] * dout[base + j];
                    });
            }

          private:
            // The element-wise passes run over rows: (n, c) planes of S values, or whole samples
            // (all channels) of a flat input.
            static constexpr std::size_t row_length = spatial == 1 ? channels : spatial;
            static constexpr std::size_t rows(std::size_t batch) { return spatial == 1 ? batch : batch * channels; }

            typename B::template buffer<T> m_work;
            T* m_gamma = nullptr;
            T* m_beta = nullptr;
            T* m_dgamma = nullptr;
            T* m_dbeta = nullptr;
            T* m_running_mean = nullptr;
            T* m_running_var = nullptr;
            Mode m_mode = Mode::train;
        };
    };
};

}  // namespace ctnn
