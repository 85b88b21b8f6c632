// cuda::CuBlas's training ops against the float64 reference (tests/backend/train_ops_conformance.hpp):
// the losses and sums reduced in blocks on the device, the optimizer steps, noise, moving average,
// sigmoid and fills. Every test needs a GPU and reports SKIPPED without one.
#include "gpu.hpp"

#include "../train_ops_conformance.hpp"

static_assert(ctnn::BackendTrainOps<ctnn::cuda::CuBlas>);

CTNN_TRAIN_OPS_CONFORMANCE(ctnn::cuda::CuBlas, "cuda", ::ctnn::testing::gpu_or_skip())
