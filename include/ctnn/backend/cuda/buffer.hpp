// DeviceBuffer<T>: n elements of T in GPU memory, owned (cudaMalloc / cudaFree), move-only.
// data() is a device pointer: pass it to cuda::CuBlas ops, never dereference it on the host.
// An empty buffer (the default) holds nothing and frees nothing.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "ctnn/backend/cuda/error.hpp"

namespace ctnn::cuda {

template <class T>
class DeviceBuffer {
  public:
    using value_type = T;

    DeviceBuffer() = default;
    // n uninitialised elements (cuda::CuBlas::allocate zero-fills them).
    explicit DeviceBuffer(std::size_t n) : m_size(n) {
        if (n) CTNN_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&m_data), n * sizeof(T)));
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
        if (this != &other) {
            release();
            m_data = std::exchange(other.m_data, nullptr);
            m_size = std::exchange(other.m_size, 0);
        }
        return *this;
    }
    ~DeviceBuffer() { release(); }

    T* data() { return m_data; }
    const T* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

  private:
    // A destructor must not throw; at process exit the runtime may already be gone (its
    // cudaErrorCudartUnloading is expected then), so the status is dropped.
    void release() noexcept {
        if (m_data) (void)cudaFree(m_data);
        m_data = nullptr;
        m_size = 0;
    }

    T* m_data = nullptr;
    std::size_t m_size = 0;
};

}  // namespace ctnn::cuda
