// Choosing the backend of a program at run time: one binary serves CPU and GPU.
//   select_device("cpu" | "cuda" | "auto") -> DeviceChoice: auto takes the GPU when one is usable;
//     cuda without one (or in a build without CUDA) throws std::runtime_error saying why.
//   with_backend(choice.device, f) calls f.template operator()<B>() with B = cpu::Blas or
//     cuda::CuBlas, so `run<Net, B>` is instantiated for each backend compiled in.
// CUDA is compiled in when this header is compiled by nvcc (the examples are, with -DCTNN_CUDA=ON);
// under a plain C++ compiler it is CPU-only and includes no CUDA header.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "ctnn/backend/cpu/blas.hpp"

#if defined(__CUDACC__)
#include "ctnn/cuda.hpp"
#endif

namespace ctnn {

#if defined(__CUDACC__)
inline constexpr bool cuda_built = true;
#else
inline constexpr bool cuda_built = false;
#endif

enum class Device { cpu, cuda };

struct DeviceChoice {
    Device device = Device::cpu;
    std::string description;  // "cpu", "cuda: NVIDIA H100 ... (device 0, ...)", "cpu (auto: no usable CUDA
                              // device: ...)"
};

inline DeviceChoice select_device(std::string_view requested) {
    if (requested != "cpu" && requested != "cuda" && requested != "auto")
        throw std::invalid_argument("--device " + std::string(requested) + ": expected cpu, cuda or auto");
    if (requested == "cpu") return {Device::cpu, "cpu"};
#if defined(__CUDACC__)
    const cuda::DeviceStatus& status = cuda::device_status();
    if (status.usable) return {Device::cuda, "cuda: " + status.describe()};
    if (requested == "cuda") throw std::runtime_error("--device cuda: " + status.reason);
    return {Device::cpu, "cpu (auto: " + status.reason + ")"};
#else
    if (requested == "cuda")
        throw std::runtime_error(
            "--device cuda: this program was built without CUDA (configure with -DCTNN_CUDA=ON "
            "and nvcc; --device cpu or auto run on the CPU)");
    return {Device::cpu, "cpu (auto: built without CUDA)"};
#endif
}

template <class F>
decltype(auto) with_backend(Device device, F&& f) {
#if defined(__CUDACC__)
    if (device == Device::cuda) return f.template operator()<cuda::CuBlas>();
#else
    (void)device;
#endif
    return f.template operator()<cpu::Blas>();
}

}  // namespace ctnn
