// The layer half of the Backend contract: the named ops that layers call (activations, pooling,
// softmax rows, BatchNorm moments / normalize / backward, dropout masks, padding, minibatch
// stddev). One requirement line per op; cpu::Blas and cuda::CuBlas implement them
// (backend/layer_ops.hpp shared, backend/cpu and backend/cuda where they differ).
#pragma once

namespace ctnn {

template <class B>
concept BackendLayerOps = true;

}  // namespace ctnn
