// The GPU cuda::CuBlas runs on, and the one stream and cuBLAS handle it uses.
//   device_status(): whether a usable CUDA device is present (a driver, a device, and kernels in
//     this binary for its compute capability), with a one-line description or the reason not.
//     Probed once; cheap afterwards. Never throws: it is how a program decides to use the GPU.
//   context(): the stream every op runs on (the legacy default stream, so host code and other
//     libraries stay ordered with it) and the cuBLAS handle bound to it, created on first use.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <string>

#include "ctnn/backend/cuda/error.hpp"

namespace ctnn::cuda {

struct DeviceStatus {
    bool usable = false;
    int index = -1;            // the CUDA device ordinal (the current device)
    std::string name;          // "NVIDIA H100 80GB HBM3"
    int major = 0, minor = 0;  // compute capability
    std::size_t memory = 0;    // bytes
    std::string reason;        // why not usable (empty when usable)

    // "NVIDIA H100 80GB HBM3 (device 0, compute capability 9.0, 79.1 GiB)" or the reason.
    std::string describe() const {
        if (!usable) return reason;
        char text[160];
        std::snprintf(text, sizeof text, " (device %d, compute capability %d.%d, %.1f GiB)", index, major,
                      minor, static_cast<double>(memory) / (1024.0 * 1024.0 * 1024.0));
        return name + text;
    }
};

namespace detail {

// Launched never: asking for its attributes tells whether this binary holds kernels the device
// can run (a binary built for other compute capabilities has none).
template <int = 0>
__global__ void probe_kernel() {}

inline DeviceStatus probe_device() {
    DeviceStatus status;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        cudaGetLastError();
        int driver = 0, runtime = 0;
        cudaDriverGetVersion(&driver);
        cudaRuntimeGetVersion(&runtime);
        const auto version = [](int v) {
            return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
        };
        if (err == cudaErrorInsufficientDriver && driver == 0)
            status.reason = "no usable CUDA device: no NVIDIA driver is loaded (no GPU on this machine?)";
        else if (err == cudaErrorInsufficientDriver)
            status.reason = "no usable CUDA device: the NVIDIA driver supports CUDA " + version(driver) +
                            ", older than this program's CUDA runtime " + version(runtime);
        else
            status.reason = std::string("no usable CUDA device: ") + cudaGetErrorString(err) + " (" +
                            cudaGetErrorName(err) + ")";
        return status;
    }
    if (count == 0) {
        status.reason = "no usable CUDA device: the driver reports no CUDA devices";
        return status;
    }
    cudaDeviceProp props{};
    if ((err = cudaGetDevice(&status.index)) != cudaSuccess ||
        (err = cudaGetDeviceProperties(&props, status.index)) != cudaSuccess) {
        cudaGetLastError();
        status.reason = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
        return status;
    }
    status.name = props.name;
    status.major = props.major;
    status.minor = props.minor;
    status.memory = props.totalGlobalMem;
    cudaFuncAttributes attributes{};
    if ((err = cudaFuncGetAttributes(&attributes, probe_kernel<>)) != cudaSuccess) {
        cudaGetLastError();
        status.reason = "no usable CUDA device: " + status.name + " (compute capability " +
                        std::to_string(props.major) + "." + std::to_string(props.minor) +
                        ") cannot run this binary's kernels: " + cudaGetErrorString(err) +
                        " (rebuild with CMAKE_CUDA_ARCHITECTURES including " + std::to_string(props.major) +
                        std::to_string(props.minor) + ")";
        return status;
    }
    status.usable = true;
    return status;
}

}  // namespace detail

inline const DeviceStatus& device_status() {
    static const DeviceStatus status = detail::probe_device();
    return status;
}

inline bool device_available() {
    return device_status().usable;
}

// The stream and cuBLAS handle of cuda::CuBlas (one per process, made on first use). Using it
// with no usable device throws cuda::Error with device_status()'s reason.
class Context {
  public:
    static Context& get() {
        static Context context;
        return context;
    }
    cudaStream_t stream() const { return m_stream; }
    cublasHandle_t cublas() const { return m_cublas; }

    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

  private:
    Context() {
        if (!device_available()) throw Error("cuda::CuBlas: " + device_status().reason);
        CTNN_CUBLAS_CHECK(cublasCreate(&m_cublas));
        CTNN_CUBLAS_CHECK(cublasSetStream(m_cublas, m_stream));
        // Plain FP32 GEMMs (no TF32 tensor-core rounding): results comparable with the CPU's.
        CTNN_CUBLAS_CHECK(cublasSetMathMode(m_cublas, CUBLAS_DEFAULT_MATH));
    }
    ~Context() {
        if (m_cublas) (void)cublasDestroy(m_cublas);  // at exit the runtime may be gone: ignore
    }

    cudaStream_t m_stream = nullptr;  // the legacy default stream
    cublasHandle_t m_cublas = nullptr;
};

inline cudaStream_t stream() {
    return Context::get().stream();
}

}  // namespace ctnn::cuda
