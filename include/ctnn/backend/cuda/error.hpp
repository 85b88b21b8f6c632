// Errors of the CUDA runtime and cuBLAS as exceptions: cuda::Error (a std::runtime_error) says
// which call failed, where, and the runtime's message. CTNN_CUDA_CHECK(call) and
// CTNN_CUBLAS_CHECK(call) wrap a call; check_launch(name) follows every kernel launch (and, with
// CTNN_CUDA_SYNC_CHECK defined, waits for the kernel, so a fault names the kernel that made it).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace ctnn::cuda {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

namespace detail {

inline std::string where(const char* file, int line) {
    return std::string(file) + ":" + std::to_string(line);
}

inline void check(cudaError_t status, const char* call, const char* file, int line) {
    if (status == cudaSuccess) return;
    cudaGetLastError();  // clear a non-sticky error so later calls do not report it again
    throw Error(std::string("CUDA error: ") + call + " failed at " + where(file, line) + ": " +
                cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

inline void check(cublasStatus_t status, const char* call, const char* file, int line) {
    if (status == CUBLAS_STATUS_SUCCESS) return;
    throw Error(std::string("cuBLAS error: ") + call + " failed at " + where(file, line) + ": " +
                cublasGetStatusName(status) + " (" + cublasGetStatusString(status) + ")");
}

}  // namespace detail

#define CTNN_CUDA_CHECK(call) ::ctnn::cuda::detail::check((call), #call, __FILE__, __LINE__)
#define CTNN_CUBLAS_CHECK(call) ::ctnn::cuda::detail::check((call), #call, __FILE__, __LINE__)

// After a kernel launch on `stream`: a bad configuration (or an earlier asynchronous fault)
// throws, naming the kernel.
inline void check_launch(const char* kernel, cudaStream_t stream) {
    const cudaError_t status = cudaGetLastError();
    if (status != cudaSuccess)
        throw Error(std::string("CUDA error: launching ") + kernel + ": " + cudaGetErrorName(status) + " (" +
                    cudaGetErrorString(status) + ")");
#if defined(CTNN_CUDA_SYNC_CHECK)
    const cudaError_t done = cudaStreamSynchronize(stream);
    if (done != cudaSuccess)
        throw Error(std::string("CUDA error: running ") + kernel + ": " + cudaGetErrorName(done) + " (" +
                    cudaGetErrorString(done) + ")");
#else
    (void)stream;
#endif
}

}  // namespace ctnn::cuda
