// The doctest main of ctnn_cuda_tests (tests/backend/cuda/*.cu, compiled by nvcc).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
