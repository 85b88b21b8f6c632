// Dropout<P>: inverted dropout. Train: each element is zeroed with probability P and the
// survivors are scaled by 1 / (1 - P); eval: identity. Shape (N, ...) -> (N, ...), no parameters.
// The mask is a counter-based hash (core/random.hpp: detail::dropout_key, dropout_keep; the
// backend's dropout_mask applies it) of (seed, train-forward counter, element index): the same for
// a model seed on every platform, one independent body per element (GPU-friendly). Backward
// recomputes the last forward's mask from its key; nothing else is cached. The counter is a
// Model counter ("dropout1.counter"): checkpoints save it, so a resumed run draws the same masks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "ctnn/core/concepts.hpp"
#include "ctnn/core/random.hpp"  // detail::dropout_hash, dropout_key, dropout_keep

// N batch; any per-sample shape.

namespace ctnn {

template <float P = 0.5f>
struct Dropout {
    static_assert(P >= 0.0f && P < 1.0f, "Dropout: P must be in [0, 1)");

    template <class In>
    struct bind : NoParams {
        using in_shape = In;
        using out_shape = In;
        static constexpr std::string_view kind = "dropout";
        static constexpr std::size_t flops = 0;
        static constexpr std::uint64_t threshold =
            static_cast<std::uint64_t>(static_cast<double>(P) * 4294967296.0);
        static std::string name() {
            char text[48];
            std::snprintf(text, sizeof text, "Dropout<%g>", static_cast<double>(P));
            return text;
        }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            // Model passes a per-layer seed; the counter restarts, so a seed fixes every mask.
            void set_seed(std::uint64_t seed) {
                m_seed = seed;
                m_counter = 0;
            }
            // How many train-mode forwards have drawn a mask since set_seed: the next one uses
            // mask number counter(). set_counter replays a mask (a resumed run, a gradient check).
            std::uint64_t counter() const { return m_counter; }
            void set_counter(std::uint64_t counter) { m_counter = counter; }

            void forward(const T* in, T* out, std::size_t batch, Mode mode) {
                m_mode = mode;
                if (mode == Mode::eval || P == 0.0f) {
                    B::copy(in, out, batch * In::size);
                    return;
                }
                m_key = detail::dropout_key(m_seed, m_counter++);
                apply(in, out, batch);
            }

            // The exact gradient for the last forward's mask: dinp = dout * mask / (1 - P).
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (!dinp) return;
                if (m_mode == Mode::eval || P == 0.0f)
                    B::copy(dout, dinp, batch * In::size);
                else
                    apply(dout, dinp, batch);
            }

          private:
            // y = x * mask / (1 - P) with the mask of m_key.
            void apply(const T* x, T* y, std::size_t batch) const {
                B::dropout_mask(x, y, batch * In::size, m_key, threshold,
                                static_cast<T>(1.0 / (1.0 - static_cast<double>(P))));
            }

            std::uint64_t m_seed = 0;
            std::uint64_t m_counter = 0;
            std::uint64_t m_key = 0;
            Mode m_mode = Mode::train;
        };
    };
};

}  // namespace ctnn
