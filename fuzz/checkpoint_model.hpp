// The model of the checkpoint fuzz harness (and of its seeds, fuzz/make_corpus.cpp): Dense
// layers around `Counted`, an identity layer with what BatchNorm and Dropout add to a
// checkpoint, a state tensor and a counter. (Clang 14, which builds the fuzzers, cannot
// compile float template arguments, so BatchNorm<> and Dropout<P> themselves are out of reach.)
#pragma once

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/nn/model.hpp>
#include <ctnn/optim/adam.hpp>

namespace ctnn::fuzz {

// Identity with a state tensor "running" and a counter of train-mode forwards.
struct Counted {
    template <class In>
    struct bind : NoParams {
        using in_shape = In;
        using out_shape = In;
        static constexpr std::string_view kind = "counted";
        static constexpr std::size_t flops = 0;
        static constexpr std::array<ParamSpec, 1> state{{{"running", {In::size}, 1, InitRole::zeros, 1, 1}}};
        static std::string name() { return "Counted"; }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;
            void bind_state(T* state) { m_state = state; }
            std::uint64_t counter() const { return m_counter; }
            void set_counter(std::uint64_t counter) { m_counter = counter; }
            void forward(const T* in, T* out, std::size_t batch, Mode mode) {
                m_counter += mode == Mode::train;
                B::copy(in, out, batch * In::size);
            }
            void backward(const T*, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (dinp) B::copy(dout, dinp, batch * In::size);
            }

          private:
            T* m_state = nullptr;
            std::uint64_t m_counter = 0;
        };
    };
};

using Net = Sequential<Input<4>, Dense<3>, Counted, Dense<2>>;

}  // namespace ctnn::fuzz
