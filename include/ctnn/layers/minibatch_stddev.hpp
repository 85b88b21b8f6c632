// MinibatchStddev<Group, Eps> (Karras et al. 2018, ProGAN): appends to each sample one feature
// that measures how much the samples of its group differ, so a discriminator can tell a batch
// of near-identical fakes from a varied batch of real digits (a remedy for mode collapse).
// The batch is cut into consecutive groups of Group samples (the last one may be smaller); for
// each group, m = mean over the F = In::size features of sqrt(var + Eps), var being the biased
// variance over the group's samples. Shape (F) -> (F + 1), m last; (C, H, W) -> (C + 1, H, W),
// m filling the last channel. No parameters; the same in train and eval mode.
// Backward: dinp = dout[x part] + dm * (x - mean) / (k * F * sqrt(var + Eps)), where k is the
// group's size and dm the sum of dout over the group's appended values. Nothing is cached:
// backward recomputes the group statistics from the input. The backend computes it
// (B::minibatch_stddev_forward / backward).
#pragma once

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
                B::template minibatch_stddev_forward<geometry>(in, out, batch, static_cast<double>(Eps));
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                B::template minibatch_stddev_backward<geometry>(in, dout, dinp, batch,
                                                                static_cast<double>(Eps));
            }

          private:
            static constexpr MinibatchStddevGeometry geometry{features, appended, Group};
        };
    };
};

}  // namespace ctnn
