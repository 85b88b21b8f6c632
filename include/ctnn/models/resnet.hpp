// A residual CNN for 28x28 digits, as plain aliases a user can copy and change.
// ResNetBlock<C>: two 3x3 Convs with BatchNorm and the identity shortcut (C channels kept).
// ResNetDownBlock<C>: the same with the first Conv at stride 2 and a projection shortcut
//   (1x1 Conv at stride 2, BatchNorm): halves H and W and changes the channels to C.
// ResNet28: Conv 16@3x3, BN, ReLU (28x28) -> block 16 (28x28) -> down 32 (14x14) -> down 64 (7x7)
//   -> block 64 -> GlobalAvgPool -> Dense 10 (logits), a ReLU after every block. 152,202 parameters.
#pragma once

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/batch_norm.hpp"
#include "ctnn/layers/conv.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/global_avg_pool.hpp"
#include "ctnn/nn/residual.hpp"
#include "ctnn/nn/sequential.hpp"

namespace ctnn::models {

template <std::size_t C>
using ResNetBlock = Residual<Conv<C, 3, 1, 1>, BatchNorm<>, ReLU, Conv<C, 3, 1, 1>, BatchNorm<>>;

template <std::size_t C>
using ResNetDownBlock = Residual<Shortcut<Conv<C, 1, 2>, BatchNorm<>>, Conv<C, 3, 2, 1>, BatchNorm<>, ReLU,
                                 Conv<C, 3, 1, 1>, BatchNorm<>>;

using ResNet28 = Sequential<Input<1, 28, 28>, Conv<16, 3, 1, 1>, BatchNorm<>, ReLU, ResNetBlock<16>, ReLU,
                            ResNetDownBlock<32>, ReLU, ResNetDownBlock<64>, ReLU, ResNetBlock<64>, ReLU,
                            GlobalAvgPool, Dense<10>>;

static_assert(ResNet28::param_count == 152'202);
static_assert(std::is_same_v<ResNet28::output_shape, Shape<10>>);

}  // namespace ctnn::models
