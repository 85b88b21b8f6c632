// Dense<Units>: fully connected layer, y = x W^T + b (PyTorch's Linear layout).
// N batch. Input (N, In) -> output (N, Units). Parameters: weight (Units, In), bias (Units).
// Needs a flat input: put Flatten before it after convolutions.
#pragma once

#include <string>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

template <std::size_t Units>
struct Dense {
    static_assert(Units > 0, "Dense<Units>: Units must be positive");

    template <class In>
    struct bind {
        static_assert(In::rank == 1,
                      "Dense: input must be flat (Shape<N>); put Flatten before Dense after a Conv or Pool");
        using in_shape = In;
        using out_shape = Shape<Units>;
        static constexpr std::size_t fan_in = In::size;
        static constexpr std::string_view kind = "dense";
        static constexpr std::array<ParamSpec, 2> params{{
            {"weight", {Units, fan_in}, 2, InitRole::weight, fan_in, Units},
            {"bias", {Units}, 1, InitRole::bias, fan_in, Units},
        }};
        static constexpr std::size_t param_count = total_count(params);
        static constexpr std::size_t flops = Units * fan_in;
        static std::string name() { return "Dense<" + std::to_string(Units) + ">"; }

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;

            void bind_parameters(T* params, T* grads) {
                m_weight = params;
                m_bias = params + Units * fan_in;
                m_dweight = grads;
                m_dbias = grads + Units * fan_in;
            }

            void forward(const T* in, T* out, std::size_t batch, Mode) {
                B::gemm(false, true, batch, Units, fan_in, T(1), in, fan_in, m_weight, fan_in, T(0), out,
                        Units);
                B::add_row_vector(out, m_bias, batch, Units);
            }

            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                // dweight += dout^T in; dbias += sum over the batch of dout; dinp = dout W.
                B::gemm(true, false, Units, fan_in, batch, T(1), dout, Units, in, fan_in, T(1), m_dweight,
                        fan_in);
                B::sum_rows(dout, m_dbias, batch, Units);
                if (dinp)
                    B::gemm(false, false, batch, fan_in, Units, T(1), dout, Units, m_weight, fan_in, T(0),
                            dinp, fan_in);
            }

            // dinp = dout W alone (Model::backward_input: no weight gradients wanted).
            void backward_input(const T* dout, T* dinp, std::size_t batch) {
                B::gemm(false, false, batch, fan_in, Units, T(1), dout, Units, m_weight, fan_in, T(0), dinp,
                        fan_in);
            }

          private:
            T* m_weight = nullptr;
            T* m_bias = nullptr;
            T* m_dweight = nullptr;
            T* m_dbias = nullptr;
        };
    };
};

}  // namespace ctnn
