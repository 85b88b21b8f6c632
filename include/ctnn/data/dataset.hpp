// Dataset: images as N x C x H x W floats plus one int32 label per image, with the pixel
// normalisations the loaders apply and subset / take / split (a deterministic shuffled
// train/validation split: the same seed gives the same split everywhere).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/data/shuffle.hpp>
#include <ctnn/detail/xtensor.hpp>

namespace ctnn::data {

// How 8-bit pixels become floats.
enum class Normalize {
    unit,       // p / 255         -> [0, 1]
    symmetric,  // p / 127.5 - 1   -> [-1, 1] (GAN generators with tanh output)
    none,       // p               -> 0..255
};

inline float normalize_pixel(std::uint8_t p, Normalize mode) {
    switch (mode) {
        case Normalize::unit:
            return static_cast<float>(p) / 255.0f;
        case Normalize::symmetric:
            return static_cast<float>(p) / 127.5f - 1.0f;
        case Normalize::none:
            break;
    }
    return static_cast<float>(p);
}

namespace detail {

// normalize_pixel for every byte value, so converting a whole file is one lookup per pixel.
inline std::array<float, 256> pixel_table(Normalize mode) {
    std::array<float, 256> t{};
    for (std::size_t p = 0; p < t.size(); ++p) t[p] = normalize_pixel(static_cast<std::uint8_t>(p), mode);
    return t;
}

}  // namespace detail

// N batch, C channels, H, W. images is row-major and contiguous (samples are back to back).
struct Dataset {
    xt::xtensor<float, 4> images;         // N x C x H x W
    xt::xtensor<std::int32_t, 1> labels;  // N

    std::size_t size() const { return labels.size(); }
    // Floats per sample: C * H * W.
    std::size_t sample_size() const { return images.shape()[1] * images.shape()[2] * images.shape()[3]; }
};

namespace detail {

// A dataset holding the samples `indices` of d, in that order.
inline Dataset gather(const Dataset& d, const std::vector<std::size_t>& indices) {
    const auto& s = d.images.shape();
    const std::size_t sample = d.sample_size();
    Dataset out;
    out.images = xt::xtensor<float, 4>::from_shape({indices.size(), s[1], s[2], s[3]});
    out.labels = xt::xtensor<std::int32_t, 1>::from_shape({indices.size()});
    for (std::size_t i = 0; i < indices.size(); ++i) {
        std::copy_n(d.images.data() + indices[i] * sample, sample, out.images.data() + i * sample);
        out.labels(i) = d.labels(indices[i]);
    }
    return out;
}

}  // namespace detail

// Samples [first, first + count) of d, copied. Throws std::out_of_range past the end.
inline Dataset subset(const Dataset& d, std::size_t first, std::size_t count) {
    if (first > d.size() || count > d.size() - first) {
        throw std::out_of_range("ctnn::data::subset: samples [" + std::to_string(first) + ", " +
                                std::to_string(first) + " + " + std::to_string(count) +
                                ") are outside a dataset of " + std::to_string(d.size()));
    }
    Dataset out;
    out.images = xt::view(d.images, xt::range(first, first + count));
    out.labels = xt::view(d.labels, xt::range(first, first + count));
    return out;
}

// The first min(count, d.size()) samples of d.
inline Dataset take(const Dataset& d, std::size_t count) {
    return subset(d, 0, std::min(count, d.size()));
}

// {train, validation}: validation_count samples drawn at random (by seed) go to validation,
// the rest to train. Each part keeps the original relative order of its samples, the two are
// disjoint and together hold every sample once. Throws std::out_of_range if
// validation_count > d.size().
inline std::pair<Dataset, Dataset> split(const Dataset& d, std::size_t validation_count, std::uint64_t seed) {
    if (validation_count > d.size()) {
        throw std::out_of_range("ctnn::data::split: validation_count " + std::to_string(validation_count) +
                                " exceeds the dataset size " + std::to_string(d.size()));
    }
    std::vector<std::size_t> order(d.size());
    detail::permutation(order, seed, detail::split_stream, 0);
    std::vector<std::size_t> validation(order.begin(),
                                        order.begin() + static_cast<std::ptrdiff_t>(validation_count));
    std::vector<std::size_t> train(order.begin() + static_cast<std::ptrdiff_t>(validation_count),
                                   order.end());
    std::sort(validation.begin(), validation.end());
    std::sort(train.begin(), train.end());
    return {detail::gather(d, train), detail::gather(d, validation)};
}

}  // namespace ctnn::data
