// MinibatchStddev<Group, Eps> (Karras et al. 2018, ProGAN): appends to each sample one feature
// that measures how much the samples of its group differ, so a discriminator can tell a batch
// of near-identical fakes from a varied batch of real digits (a remedy for mode collapse).
// The batch is cut into consecutive groups of Group samples (the last one may be smaller); for
// each group, m = mean over the F = In::size features of sqrt(var + Eps), var being the biased
// variance over the group's samples. Shape (F) -> (F + 1), m last; (C, H, W) -> (C + 1, H, W),
// m filling the last channel. No parameters; the same in train and eval mode.
// Backward: dinp = dout[x part] + dm * (x - mean) / (k * F * sqrt(var + Eps)), where k is the
// group's size and dm the sum of dout over the group's appended values. Nothing is cached:
// backward recomputes the group statistics from the input.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "ctnn/core/concepts.hpp"

// N batch, k samples in a group, F = In::size features per sample, S = H * W values of the
// appended channel (1 for a flat input).

namespace ctnn {

namespace detail {
template <class In>
struct minibatch_stddev_shape {  // other ranks: refused by bind's static_assert
    using type = In;
};
template <std::size_t F>
struct minibatch_stddev_shape<Shape<F>> {
    using type = Shape<F + 1>;
};
template <std::size_t C, std::size_t H, std::size_t W>
struct minibatch_stddev_shape<Shape<C, H, W>> {
    using type = Shape<C + 1, H, W>;
};
}  // namespace detail

template <std::size_t Group = 4, float Eps = 1e-8f>
struct MinibatchStddev {
    static_assert(Group >= 2, "MinibatchStddev<Group>: Group must be at least 2 (one sample has no spread)");
    static_assert(Eps > 0.0f, "MinibatchStddev<Group, Eps>: Eps must be positive");

    template <class In>
    struct bind : NoParams {
        static_assert(In::rank == 1 || In::rank == 3, "MinibatchStddev: input must be (F) or (C, H, W)");
        using in_shape = In;
        using out_shape = typename detail::minibatch_stddev_shape<In>::type;
        static constexpr std::size_t features = In::size;
        static constexpr std::size_t appended = out_shape::size - In::size;  // S
        static constexpr std::string_view kind = "minibatch_stddev";
        // Per feature: a mean, a squared deviation and a square root per group; per sample a copy.
        static constexpr std::size_t flops = 4 * In::size;
        static std::string name() {
            char text[64];
            std::snprintf(text, sizeof text, "MinibatchStddev<%zu, %g>", Group, static_cast<double>(Eps));
            return text;
        }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                for_each_weighted<B>(batch, out_shape::size, [in, out] CTNN_HD(std::size_t n) {
                    for (std::size_t f = 0; f < features; ++f) out[n * out_shape::size + f] = in[n * features + f];
                });
                for_each_weighted<B>(groups(batch), 2 * Group * features, [in, out, batch] CTNN_HD(std::size_t g) {
                    const std::size_t first = g * Group, count = group_size(g, batch);
                    double spread = 0;
                    for (std::size_t f = 0; f < features; ++f) spread += feature_stddev(in, f, first, count).stddev;
                    const T m = static_cast<T>(spread / static_cast<double>(features));
                    for (std::size_t n = first; n < first + count; ++n)
                        for (std::size_t s = 0; s < appended; ++s) out[n * out_shape::size + features + s] = m;
                });
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                for_each_weighted<B>(groups(batch), 3 * Group * features, [in, dout, dinp, batch] CTNN_HD(std::size_t g) {
                    const std::size_t first = g * Group, count = group_size(g, batch);
                    double dm = 0;
                    for (std::size_t n = first; n < first + count; ++n)
                        for (std::size_t s = 0; s < appended; ++s)
                            dm += static_cast<double>(dout[n * out_shape::size + features + s]);
                    const double scale = dm / (static_cast<double>(count) * static_cast<double>(features));
                    for (std::size_t f = 0; f < features; ++f) {
                        const Spread spread = feature_stddev(in, f, first, count);
                        const double factor = scale / spread.stddev;
                        for (std::size_t n = first; n < first + count; ++n)
                            dinp[n * features + f] = static_cast<T>(
                                static_cast<double>(dout[n * out_shape::size + f]) +
                                factor * (static_cast<double>(in[n * features + f]) - spread.mean));
                    }
                });
            }

            static constexpr CTNN_HD std::size_t groups(std::size_t batch) { return (batch + Group - 1) / Group; }
            static constexpr CTNN_HD std::size_t group_size(std::size_t g, std::size_t batch) {
                return batch - g * Group < Group ? batch - g * Group : Group;
            }

            struct Spread {
                double mean, stddev;
            };
            // Mean and sqrt(biased variance + Eps) of feature f over samples [first, first + count).
            static CTNN_HD Spread feature_stddev(const T* in, std::size_t f, std::size_t first, std::size_t count) {
                double sum = 0;
                for (std::size_t n = first; n < first + count; ++n) sum += static_cast<double>(in[n * features + f]);
                const double mean = sum / static_cast<double>(count);
                double squares = 0;
                for (std::size_t n = first; n < first + count; ++n) {
                    const double d = static_cast<double>(in[n * features + f]) - mean;
                    squares += d * d;
                }
                return {mean, std::sqrt(squares / static_cast<double>(count) + static_cast<double>(Eps))};
            }
        };
    };
};

}  // namespace ctnn
