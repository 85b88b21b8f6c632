// Tests for io/grid.hpp: image_grid layout, value mapping and captions, written as a PNG
// and read back with stb_image. Leaves io-grid-captions/digits_grid.png in the test output dir to look at.
#include <ctnn/io/grid.hpp>
#include <ctnn/io/png.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <vector>

#include "png_reader.hpp"
#include "scratch.hpp"

using namespace ctnn::io;
using ctnn::io::test::read_png;
using ctnn::io::test::scratch_dir;

namespace {
// Fake 28x28 "digits": the digit's glyph drawn big, as floats in [-1, 1] like a GAN output.
std::vector<float> fake_digits(int count) {
    std::vector<float> out;
    for (int i = 0; i < count; ++i) {
        Image tile(28, 28, colors::black);
        tile.draw_text(5, 2, std::to_string(i % 10), colors::white, 4);
        for (std::size_t p = 0; p < 28 * 28; ++p) out.push_back(tile.pixels[p * 3] / 127.5f - 1.0f);
    }
    return out;
}
}  // namespace

TEST_SUITE("io") {
    TEST_CASE("grid: layout and pixel mapping, read back from the PNG") {
        const auto dir = scratch_dir("grid");
        // Three 2x2 images, values in [0, 1].
        const std::vector<float> px{0, 1, 1, 0, /**/ 0.5f, 0.5f, 0.5f, 0.5f, /**/ 1, 1, 1, 1};
        const Image grid = image_grid(px.data(), 3, 2, 2, /*cols=*/2, 0.0f, 1.0f, /*scale=*/2, /*pad=*/1);
        CHECK(grid.width == 2 * 4 + 3 * 1);
        CHECK(grid.height == 2 * 4 + 3 * 1);
        write_png(dir / "grid.png", grid);
        const Image back = read_png(dir / "grid.png");
        REQUIRE(back.width == grid.width);
        REQUIRE(back.height == grid.height);
        CHECK(back.pixel(0, 0) == colors::white);  // padding
        CHECK(back.pixel(1, 1) == colors::black);  // image 0, value 0, a 2x2 block
        CHECK(back.pixel(2, 2) == colors::black);
        CHECK(back.pixel(3, 1) == colors::white);       // image 0, value 1
        CHECK(back.pixel(6, 1) == Rgb{128, 128, 128});  // image 1 starts at x = 1 + 4 + 1
        CHECK(back.pixel(1, 6) == colors::white);       // image 2, second row
        CHECK(back.pixel(7, 7) == colors::white);       // empty fourth cell stays background
        CHECK_THROWS_AS(image_grid(px.data(), 3, 2, 2, 0, 0.0f, 1.0f), std::invalid_argument);
        CHECK_THROWS_AS(image_grid(px.data(), 3, 2, 2, 2, 0.0f, 1.0f, 2, 2, {"a"}), std::invalid_argument);
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("grid: grid_size refuses a grid that is too large before any pixel, without overflow") {
        // Issue 15 #1: --count 4611686018427387904 wrapped count * 784; 250000 digits failed only
        // after generating them all ("PNG encoding failed").
        const GridSize g = grid_size(64, 28, 28, 8);
        CHECK(g.cols == 8);
        CHECK(g.rows == 8);
        CHECK(g.width == 8 * 56 + 9 * 2);
        CHECK(g.height == 8 * 56 + 9 * 2);
        CHECK(grid_size(3, 28, 28, 8).cols == 3);
        CHECK_THROWS_WITH_AS(
            grid_size(250000, 28, 28, 16),
            doctest::Contains("a grid of 250000 images of 28x28 in 16 columns would be 930x906252 "
                              "pixels (at most 32768 pixels each way)"),
            std::invalid_argument);
        CHECK_THROWS_WITH_AS(grid_size(4611686018427387904ull, 28, 28, 8), doctest::Contains("tiles tall"),
                             std::invalid_argument);
        CHECK_THROWS_WITH_AS(grid_size(std::size_t(-1), 28, 28, std::size_t(-1)),
                             doctest::Contains("tiles wide"), std::invalid_argument);
        CHECK_THROWS_WITH_AS(grid_size(10, std::size_t(1) << 40, 28, 8), doctest::Contains("tiles or gaps"),
                             std::invalid_argument);
        CHECK_THROWS_WITH_AS(grid_size(2000, 28, 28, 1000), doctest::Contains("would be 58002x118 pixels"),
                             std::invalid_argument);
        CHECK_THROWS_AS(grid_size(0, 28, 28, 8), std::invalid_argument);
        // image_grid refuses the same before touching `images` (here: far fewer floats than claimed).
        const std::vector<float> one(784, 0.0f);
        CHECK_THROWS_WITH_AS(image_grid(one.data(), 4611686018427387904ull, 28, 28, 8, 0.0f, 1.0f),
                             doctest::Contains("tiles tall"), std::invalid_argument);
    }

    TEST_CASE("grid: captions are drawn under each tile and widen narrow cells") {
        const auto dir = ctnn::io::test::output_dir("grid-captions");  // kept for viewing
        const int n = 20;
        const auto digits = fake_digits(n);
        std::vector<std::string> captions;
        std::vector<Rgb> caption_colors;
        for (int i = 0; i < n; ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%d (0.%02d)", i % 10, 99 - i);
            captions.push_back(i == 13 ? "true 3 / pred 8" : buf);
            caption_colors.push_back(i == 13 ? colors::red : colors::black);
        }
        const Image plain = image_grid(digits.data(), n, 28, 28, 10, -1.0f, 1.0f);
        const Image grid =
            image_grid(digits.data(), n, 28, 28, 10, -1.0f, 1.0f, 2, 2, captions, caption_colors);
        CHECK(plain.width == 10 * 56 + 11 * 2);
        CHECK(plain.height == 2 * 56 + 3 * 2);
        CHECK(grid.height > plain.height);
        CHECK(grid.width > plain.width);  // "true 3 / pred 8" is wider than a 56-pixel tile
        // Some caption ink right under the first tile, and red ink under tile 13.
        bool dark_under_first = false, red_somewhere = false;
        for (std::size_t y = 2 + 56; y < 2 + 56 + 12; ++y)
            for (std::size_t x = 0; x < grid.width / 10; ++x)
                dark_under_first |= grid.pixel(x, y) == colors::black;
        for (std::size_t y = 0; y < grid.height; ++y)
            for (std::size_t x = 0; x < grid.width; ++x) red_somewhere |= grid.pixel(x, y) == colors::red;
        CHECK(dark_under_first);
        CHECK(red_somewhere);
        write_png(dir / "digits_grid.png", grid);
        CHECK(read_png(dir / "digits_grid.png").pixels == grid.pixels);
        MESSAGE("wrote " << (dir / "digits_grid.png").string());
    }
}
