// data/augment.hpp: the identity when off; a pure shift moves the image by the drawn whole pixels
// and fills with the background; the draws stay inside the bounds and cover them; a rotation keeps
// an interior blob's mass; the same (seed, epoch, index) always gives the same image; and a
// Classifier with augmentation trains deterministically on images that differ from the originals.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/augment.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <vector>

using namespace ctnn;

namespace {
std::vector<float> blob_image(float background) {
    std::vector<float> image(28 * 28, background);
    for (std::size_t y = 10; y < 18; ++y)
        for (std::size_t x = 9; x < 19; ++x) image[y * 28 + x] = 1.0f + 0.01f * float(y * 28 + x);
    return image;
}
}  // namespace

TEST_CASE("Augment: off is the identity") {
    const auto image = blob_image(0.0f);
    std::vector<float> out(image.size());
    data::augment_images<1, 28, 28>({.max_shift = 0, .max_degrees = 0.0f}, image.data(), out.data(), 1, 1, 0,
                                    0);
    CHECK(out == image);
}

TEST_CASE("Augment: a shift moves the image by the drawn pixels and fills with the background") {
    const data::Augment shift_only{.max_shift = 2, .max_degrees = 0.0f};
    const auto image = blob_image(-1.0f);
    for (std::uint64_t index = 0; index < 20; ++index) {
        const auto t = data::draw_transform(shift_only, 7, 3, index);
        std::vector<float> out(image.size());
        data::augment_images<1, 28, 28>(shift_only, image.data(), out.data(), 1, 7, 3, index);
        for (long y = 0; y < 28; ++y)
            for (long x = 0; x < 28; ++x) {
                const long sy = y - t.dy, sx = x - t.dx;
                const float want =
                    sy < 0 || sx < 0 || sy >= 28 || sx >= 28 ? -1.0f : image[std::size_t(sy * 28 + sx)];
                REQUIRE(out[std::size_t(y * 28 + x)] == doctest::Approx(want).epsilon(1e-6));
            }
    }
}

TEST_CASE("Augment: draws stay within the bounds and cover every shift") {
    const data::Augment augment{.max_shift = 2, .max_degrees = 10.0f};
    std::set<int> shifts;
    double largest_angle = 0;
    for (std::uint64_t index = 0; index < 2000; ++index) {
        const auto t = data::draw_transform(augment, 1, 0, index);
        CHECK(std::abs(t.dx) <= 2);
        CHECK(std::abs(t.dy) <= 2);
        shifts.insert(t.dx);
        shifts.insert(10 + t.dy);
        largest_angle = std::max(largest_angle, std::abs(t.radians));
    }
    CHECK(shifts.size() == 10);  // -2..2 for each axis
    CHECK(largest_angle <= 10.0 * M_PI / 180.0);
    CHECK(largest_angle > 9.5 * M_PI / 180.0);
}

TEST_CASE("Augment: a rotation keeps an interior blob's mass; the same draw gives the same image") {
    const data::Augment rotate_only{.max_shift = 0, .max_degrees = 10.0f};
    const auto image = blob_image(0.0f);
    double mass = 0;
    for (float v : image) mass += v;
    std::vector<float> a(image.size()), b(image.size()), c(image.size());
    data::augment_images<1, 28, 28>(rotate_only, image.data(), a.data(), 1, 5, 2, 11);
    data::augment_images<1, 28, 28>(rotate_only, image.data(), b.data(), 1, 5, 2, 11);
    data::augment_images<1, 28, 28>(rotate_only, image.data(), c.data(), 1, 5, 3, 11);
    double rotated = 0;
    for (float v : a) rotated += v;
    CHECK(rotated == doctest::Approx(mass).epsilon(0.02));
    CHECK(a == b);
    CHECK(a != c);  // another epoch, another angle
    CHECK(a != image);
}

TEST_CASE("Classifier with augmentation trains deterministically on changed images") {
    using Net = Sequential<Input<1, 28, 28>, Conv<4, 5>, ReLU, MaxPool<2>, Flatten, Dense<10>>;
    data::Dataset set;
    set.images = xt::xtensor<float, 4>::from_shape({64, 1, 28, 28});
    set.labels = xt::xtensor<std::int32_t, 1>::from_shape({64});
    for (std::size_t i = 0; i < 64; ++i) {
        set.labels(i) = static_cast<std::int32_t>(i % 10);
        const auto image = blob_image(0.0f);
        for (std::size_t k = 0; k < image.size(); ++k)
            set.images.data()[i * 784 + k] = image[k] * float(1 + i % 10) / 10.0f;
    }
    const auto train = [&](bool augment) {
        Classifier<Net, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 1e-3f}, 9);
        if (augment) clf.set_augmentation({.max_shift = 2, .max_degrees = 10.0f});
        double loss = 0;
        for (int e = 0; e < 2; ++e) loss = clf.fit_epoch(set, 16).loss;
        return loss;
    };
    const double plain = train(false), once = train(true), again = train(true);
    CHECK(once == again);
    CHECK(once != plain);
    using Flat = Sequential<Input<4>, Dense<2>>;
    Classifier<Flat, SoftmaxCrossEntropy, Adam> flat;
    CHECK_THROWS_AS(flat.set_augmentation({}), std::invalid_argument);
}
