// Data augmentation for image classifiers: each image translated by a whole number of pixels in
// [-max_shift, max_shift] along each axis and rotated by an angle in [-max_degrees, max_degrees]
// about its centre (bilinear sampling; pixels that come from outside the image take the value of
// its top-left pixel, the background). Input (N, C, H, W) -> output (N, C, H, W), the same
// transform for every channel of an image. Deterministic: image i of a call draws its transform
// from (seed, epoch, first + i) alone, so a batch gets the same images whatever came before (a
// resumed run equals an uninterrupted one) and on any thread count. Off (the identity) when both
// bounds are 0. N batch, C channels, H height, W width.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>

#include <ctnn/data/shuffle.hpp>

namespace ctnn::data {

struct Augment {
    int max_shift = 2;          // pixels, each axis
    float max_degrees = 10.0f;  // rotation, either way
    bool enabled() const { return max_shift > 0 || max_degrees > 0.0f; }
};

// The transform of one image: its shift and angle, drawn from (seed, epoch, index).
struct ImageTransform {
    int dx = 0, dy = 0;
    double radians = 0;
};
inline ImageTransform draw_transform(const Augment& augment, std::uint64_t seed, std::uint64_t epoch,
                                     std::uint64_t index) {
    std::mt19937_64 rng(detail::mix_seed(seed, 0xA0C0000000000000ull ^ epoch, index));
    ImageTransform t;
    const auto span = static_cast<std::uint64_t>(2 * augment.max_shift + 1);
    if (augment.max_shift > 0) {
        t.dx = static_cast<int>(detail::uniform_below(rng, span)) - augment.max_shift;
        t.dy = static_cast<int>(detail::uniform_below(rng, span)) - augment.max_shift;
    }
    if (augment.max_degrees > 0.0f) {
        const double unit = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
        t.radians = (2 * unit - 1) * static_cast<double>(augment.max_degrees) * std::numbers::pi / 180.0;
    }
    return t;
}

// Writes n augmented images of in (C x H x W floats each) to out (not in place).
template <std::size_t C, std::size_t H, std::size_t W>
void augment_images(const Augment& augment, const float* in, float* out, std::size_t n, std::uint64_t seed,
                    std::uint64_t epoch, std::size_t first) {
    constexpr std::size_t plane = H * W, image = C * plane;
    constexpr double cy = (static_cast<double>(H) - 1) / 2, cx = (static_cast<double>(W) - 1) / 2;
    for (std::size_t i = 0; i < n; ++i) {
        const float* src = in + i * image;
        float* dst = out + i * image;
        if (!augment.enabled()) {
            for (std::size_t k = 0; k < image; ++k) dst[k] = src[k];
            continue;
        }
        const ImageTransform t = draw_transform(augment, seed, epoch, first + i);
        const double cos_a = std::cos(t.radians), sin_a = std::sin(t.radians);
        for (std::size_t c = 0; c < C; ++c) {
            const float* p = src + c * plane;
            const float background = p[0];
            const auto at = [&](long y, long x) {
                return y < 0 || x < 0 || y >= long(H) || x >= long(W)
                           ? background
                           : p[std::size_t(y) * W + std::size_t(x)];
            };
            for (std::size_t y = 0; y < H; ++y)
                for (std::size_t x = 0; x < W; ++x) {
                    // The source of (y, x): undo the shift, then the rotation about the centre.
                    const double u = static_cast<double>(x) - t.dx - cx,
                                 v = static_cast<double>(y) - t.dy - cy;
                    const double sx = cos_a * u + sin_a * v + cx, sy = -sin_a * u + cos_a * v + cy;
                    const double fx = std::floor(sx), fy = std::floor(sy);
                    const double ax = sx - fx, ay = sy - fy;
                    const long x0 = static_cast<long>(fx), y0 = static_cast<long>(fy);
                    const double value = (1 - ay) * ((1 - ax) * at(y0, x0) + ax * at(y0, x0 + 1)) +
                                         ay * ((1 - ax) * at(y0 + 1, x0) + ax * at(y0 + 1, x0 + 1));
                    dst[c * plane + y * W + x] = static_cast<float>(value);
                }
        }
    }
}

}  // namespace ctnn::data
