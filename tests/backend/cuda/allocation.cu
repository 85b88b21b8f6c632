// The zero-allocation check in the CUDA-enabled build: steady-state training steps compiled by
// nvcc allocate nothing on the host heap, on cpu::Blas (runs everywhere) and on cuda::CuBlas
// (needs a GPU), where the free device memory must not change across those steps either.
#include "../../support/steady_state.hpp"
#include "gpu.hpp"

#include <vector>

using namespace ctnn;

TEST_CASE("cuda build: a steady-state cpu::Blas training step performs zero heap allocations") {
    CHECK(testing::steady_state_allocations<cpu::Blas>() == 0);
}

TEST_CASE("cuda build: a steady-state CuBlas training step allocates neither host nor device memory") {
    CTNN_REQUIRE_GPU();
    std::vector<std::size_t> free_bytes;
    const auto device_free = [&free_bytes] {
        std::size_t free = 0, total = 0;
        CTNN_CUDA_CHECK(cudaMemGetInfo(&free, &total));
        free_bytes.push_back(free);
    };
    CHECK(testing::steady_state_allocations<cuda::CuBlas>(device_free) == 0);
    REQUIRE(free_bytes.size() == 2);
    CHECK(free_bytes[0] == free_bytes[1]);
}
