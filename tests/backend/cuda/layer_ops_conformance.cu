// The layer ops conformance test (tests/backend/layer_ops_conformance.hpp) for cuda::CuBlas: the
// GPU-shaped ops (block and warp reductions, element kernels) against the float64 reference.
// Every test needs a GPU and reports SKIPPED (with the reason) without one.
#include "../layer_ops_conformance.hpp"
#include "gpu.hpp"

CTNN_LAYER_OPS_CONFORMANCE(ctnn::cuda::CuBlas, "cuda::CuBlas", CTNN_REQUIRE_GPU())
