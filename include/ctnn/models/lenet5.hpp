// LeNet-5 for 28x28 digits, as plain aliases a user can copy and change.
// LeNet5: the classic network of LeCun 1998 and the seed notebooks: 28x28 padded to 32x32,
//   Conv 6@5x5, Tanh, AvgPool 2, Conv 16@5x5, Tanh, AvgPool 2, Conv 120@5x5, Tanh,
//   Flatten, Dense 84, Tanh, Dense 10 (logits). 61,706 parameters.
// LeNet5Relu: the same with ReLU and max pooling (the dlib / ">99%" form).
#pragma once

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/conv.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/pad.hpp"
#include "ctnn/layers/pool.hpp"
#include "ctnn/layers/reshape.hpp"
#include "ctnn/nn/sequential.hpp"

namespace ctnn::models {

using LeNet5 = Sequential<Input<1, 28, 28>, Pad<2>, Conv<6, 5>, Tanh, AvgPool<2>, Conv<16, 5>, Tanh,
                          AvgPool<2>, Conv<120, 5>, Tanh, Flatten, Dense<84>, Tanh, Dense<10>>;

using LeNet5Relu = Sequential<Input<1, 28, 28>, Pad<2>, Conv<6, 5>, ReLU, MaxPool<2>, Conv<16, 5>, ReLU,
                              MaxPool<2>, Conv<120, 5>, ReLU, Flatten, Dense<84>, ReLU, Dense<10>>;

static_assert(LeNet5::param_count == 61'706);
static_assert(std::is_same_v<LeNet5::output_shape, Shape<10>>);
static_assert(LeNet5Relu::param_count == 61'706);

// Index of the 84-unit penultimate activation (after its Tanh/ReLU): the feature space of FID.
inline constexpr std::size_t lenet5_feature_layer = 11;
static_assert(std::is_same_v<LeNet5::layer<lenet5_feature_layer>::out_shape, Shape<84>>);

}  // namespace ctnn::models
