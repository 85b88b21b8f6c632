// BatchNorm<Momentum, Eps>: y = gamma (x - mean) / sqrt(var + eps) + beta, per feature of a flat
// input (N, F) like PyTorch's BatchNorm1d, per channel of (N, C, H, W) like BatchNorm2d.
// Train: batch mean and biased variance; running_mean/running_var move by Momentum (the variance
// term unbiased). Eval: the running statistics. Parameters: weight = gamma (C), bias = beta (C);
// state: running_mean (C), running_var (C). Caches the per-channel mean and 1/std for backward.
// The backend computes it (B::batch_norm_moments / running_stats / normalize / backward).
#pragma once

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
        static constexpr float eps = Eps;
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

            // Per-channel workspace (the backend's BatchNorm stats): mean, 1/std, gamma/std, and
            // backward's two means.
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
                T* stats = m_work.data();
                if (mode == Mode::train) {
                    if (batch * spatial < 2)  // values per channel
                        throw std::invalid_argument(
                            "BatchNorm: training needs more than one value per channel (batch size 1 on a "
                            "flat input)");
                    B::template batch_norm_moments<geometry>(
                        in, batch, m_gamma, m_running_mean, m_running_var, stats,
                        static_cast<double>(Momentum), static_cast<double>(Eps));
                } else {
                    B::template batch_norm_running_stats<geometry>(m_gamma, m_running_mean, m_running_var,
                                                                   stats, static_cast<double>(Eps));
                }
                B::template batch_norm_normalize<geometry>(in, out, batch, stats, m_beta);
            }

            // Train mode (the last forward's): with xhat = (x - mean) / std and M = N * S values
            // per channel, dinp = gamma / std * (dout - mean(dout) - xhat * mean(dout * xhat)).
            // After an eval forward the statistics are constants: dinp = gamma / std * dout.
            // dgamma += sum(dout * xhat), dbeta += sum(dout) either way.
            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                B::template batch_norm_backward<geometry>(in, dout, dinp, batch, m_work.data(), m_dgamma,
                                                          m_dbeta, m_mode);
            }

          private:
            static constexpr BatchNormGeometry geometry{channels, spatial};

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
