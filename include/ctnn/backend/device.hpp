// Choosing the backend of a program at run time: one binary serves CPU and GPU.
//   GpuStatus: whether a GPU the program can run on is present, with a description or the reason
//     not (cuda::gpu_status() in ctnn/cuda.hpp probes it, in a translation unit nvcc compiles).
//   select_device("cpu" | "cuda" | "auto", probe) -> DeviceChoice: auto takes the GPU when probe()
//     says it is usable; cuda without one throws std::runtime_error saying why. probe runs only for
//     cuda and auto (it loads the CUDA runtime). select_device(requested) is the choice of a
//     program built without CUDA.
// cuda_built is true where the ctnn::cuda target is linked (it defines CTNN_WITH_CUDA for every
// source, C++ and CUDA). This header includes no CUDA header: a program compiles its CPU path with
// the C++ compiler and its cuda::CuBlas instantiations in .cu files behind plain functions
// (examples/lenet5: cpu.cpp, cuda.cu, main.cpp dispatching on DeviceChoice::device).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ctnn {

#if defined(CTNN_WITH_CUDA)
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

struct GpuStatus {
    bool usable = false;
    std::string description;  // usable: "NVIDIA H100 80GB HBM3 (device 0, ...)"; else why not
};

inline DeviceChoice select_device(std::string_view requested, GpuStatus (*probe)()) {
    if (requested != "cpu" && requested != "cuda" && requested != "auto")
        throw std::invalid_argument("--device " + std::string(requested) + ": expected cpu, cuda or auto");
    if (requested == "cpu") return {Device::cpu, "cpu"};
    const GpuStatus gpu = probe();
    if (gpu.usable) return {Device::cuda, "cuda: " + gpu.description};
    if (requested == "cuda") throw std::runtime_error("--device cuda: " + gpu.description);
    return {Device::cpu, "cpu (auto: " + gpu.description + ")"};
}

inline DeviceChoice select_device(std::string_view requested) {
    if (requested == "cuda")
        return select_device(requested, [] {
            return GpuStatus{false,
                             "this program was built without CUDA (configure with -DCTNN_CUDA=ON and "
                             "nvcc; --device cpu or auto run on the CPU)"};
        });
    return select_device(requested, [] { return GpuStatus{false, "built without CUDA"}; });
}

}  // namespace ctnn
