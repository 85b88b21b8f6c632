// make_spirals: the classic synthetic 2-D classification set (CS231n): `classes` interleaved
// spirals of `per_class` points each, with seeded Gaussian jitter. Images are N x 2 x 1 x 1
// (x, y), labels the spiral index. Used by examples/spirals.cpp and the end-to-end MLP test.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <ctnn/core/random.hpp>
#include <ctnn/data/dataset.hpp>

namespace ctnn::data {

inline Dataset make_spirals(std::size_t per_class, std::uint64_t seed, std::size_t classes = 3,
                            double jitter = 0.2) {
    Dataset set;
    set.images = xt::xtensor<float, 4>::from_shape({per_class * classes, 2, 1, 1});
    set.labels = xt::xtensor<std::int32_t, 1>::from_shape({per_class * classes});
    Rng rng(seed);
    std::size_t n = 0;
    for (std::size_t c = 0; c < classes; ++c)
        for (std::size_t i = 0; i < per_class; ++i, ++n) {
            const double radius = double(i) / double(per_class);
            const double angle = double(c) * 4.0 + 4.0 * radius + rng.normal() * jitter;
            set.images(n, 0, 0, 0) = static_cast<float>(radius * std::sin(angle));
            set.images(n, 1, 0, 0) = static_cast<float>(radius * std::cos(angle));
            set.labels(n) = static_cast<std::int32_t>(c);
        }
    return set;
}

}  // namespace ctnn::data
