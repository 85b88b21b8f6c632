// cuda::LayerOps<Self>: the layer ops on the GPU: the shared ones of backend/layer_ops.hpp, and
// those whose CPU shape (one body per channel or per row) would starve a GPU, as block reductions.
#pragma once

#include "ctnn/backend/layer_ops.hpp"

namespace ctnn::cuda {

template <class Self>
struct LayerOps : ctnn::LayerOps<Self, float> {};

}  // namespace ctnn::cuda
