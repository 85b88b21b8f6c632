// Dropout<P>: inverted dropout. Train: each element is zeroed with probability P and the
// survivors are scaled by 1 / (1 - P); eval: identity. Shape (N, ...) -> (N, ...), no parameters.
// The mask is a counter-based hash of (seed, train-forward counter, element index): the same for
// a model seed on every platform, one independent body per element (GPU-friendly). Backward
// recomputes the last forward's mask from its key; nothing else is cached. The counter is a
// Model counter ("dropout1.counter"): checkpoints save it, so a resumed run draws the same masks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "ctnn/core/concepts.hpp"

// N batch; any per-sample shape.

namespace ctnn {

namespace detail {
// SplitMix64's output function: a well-mixed 64-bit hash of x.
constexpr std::uint64_t dropout_hash(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// The key of one forward pass: the mask numbered `counter` of the stream `seed`.
constexpr std::uint64_t dropout_key(std::uint64_t seed, std::uint64_t counter) {
    return dropout_hash(dropout_hash(seed) ^ counter);
}

// Element `index` survives when the top 32 bits of its hash are >= threshold = P * 2^32,
// i.e. with probability 1 - P (integer arithmetic: no floating-point rounding between platforms).
constexpr bool dropout_keep(std::uint64_t key, std::uint64_t index, std::uint64_t threshold) {
    return (dropout_hash(key + index) >> 32) >= threshold;
}
}  // namespace detail

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

            // y = x * mask / (1 - P) with the mask of m_key. (Public: nvcc allows no __host__
            // __device__ lambda in a private member function.)
            void apply(const T* x, T* y, std::size_t batch) const {
                const std::uint64_t key = m_key;
                const T scale = static_cast<T>(1.0 / (1.0 - static_cast<double>(P)));
                B::for_each(batch * In::size, [x, y, key, scale] CTNN_HD(std::size_t i) {
                    y[i] = detail::dropout_keep(key, i, threshold) ? x[i] * scale : T(0);
                });
            }

          private:
            std::uint64_t m_seed = 0;
            std::uint64_t m_counter = 0;
            std::uint64_t m_key = 0;
            Mode m_mode = Mode::train;
        };
    };
};

}  // namespace ctnn
