// The layer ops conformance test (tests/backend/layer_ops_conformance.hpp) for cpu::Blas.
#include "../layer_ops_conformance.hpp"

CTNN_LAYER_OPS_CONFORMANCE(ctnn::cpu::Blas, "cpu::Blas", (void)0)
