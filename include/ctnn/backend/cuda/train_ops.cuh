// cuda::TrainOps<Self>: the training ops on the GPU: the shared ones of backend/train_ops.hpp,
// and loss sums reduced on the device (kept there until a caller asks for the value).
#pragma once

#include "ctnn/backend/train_ops.hpp"

namespace ctnn::cuda {

template <class Self>
struct TrainOps : ctnn::TrainOps<Self, float> {};

}  // namespace ctnn::cuda
