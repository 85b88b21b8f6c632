// Instance noise for GAN training: add_gaussian_noise<B>(x, n, std, key) adds std * N(0, 1) to n
// values in backend memory (D's inputs), element i drawn from the hash of (key, i) by the backend
// op B::instance_noise (body: bodies::InstanceNoise, backend/train_bodies.hpp), the same on
// every platform. Nothing to do when std is 0.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctnn/core/random.hpp"  // detail::dropout_key, which the trainers use to make keys

namespace ctnn {

template <class B, class T>
void add_gaussian_noise(T* x, std::size_t n, T std, std::uint64_t key) {
    B::instance_noise(x, n, std, key);
}

}  // namespace ctnn
