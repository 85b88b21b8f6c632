// Tests for io/image.hpp: pixels, clipping, rectangles, lines, text and grayscale tiles.
#include <ctnn/io/image.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace ctnn::io;

namespace {
std::size_t count_not(const Image& img, Rgb c) {
    std::size_t n = 0;
    for (std::size_t y = 0; y < img.height; ++y)
        for (std::size_t x = 0; x < img.width; ++x) n += img.pixel(x, y) != c;
    return n;
}
}  // namespace

TEST_SUITE("io") {
    TEST_CASE("image: construction, set_pixel and clipping") {
        Image img(5, 4, Rgb{1, 2, 3});
        CHECK(img.width == 5);
        CHECK(img.height == 4);
        CHECK(img.pixels.size() == 5 * 4 * 3);
        CHECK(img.pixel(4, 3) == Rgb{1, 2, 3});
        img.set_pixel(2, 1, colors::red);
        CHECK(img.pixel(2, 1) == colors::red);
        CHECK(img.pixels[(1 * 5 + 2) * 3 + 0] == colors::red.r);
        img.set_pixel(-1, 0, colors::black);  // outside: ignored
        img.set_pixel(5, 0, colors::black);
        img.set_pixel(0, 4, colors::black);
        CHECK(count_not(img, Rgb{1, 2, 3}) == 1);
        CHECK_THROWS_AS(img.pixel(5, 0), std::out_of_range);
        CHECK_THROWS_AS(Image(100000, 2), std::invalid_argument);
    }

    TEST_CASE("image: fill_rect, draw_rect and blit are clipped") {
        Image img(6, 6);
        img.fill_rect(-2, -2, 4, 4, colors::black);  // covers (0..1, 0..1)
        CHECK(count_not(img, colors::white) == 4);
        CHECK(img.pixel(1, 1) == colors::black);
        CHECK(img.pixel(2, 2) == colors::white);
        Image frame(6, 6);
        frame.draw_rect(0, 0, 6, 6, colors::red);
        CHECK(count_not(frame, colors::white) == 20);
        CHECK(frame.pixel(5, 3) == colors::red);
        Image dst(4, 4);
        dst.blit(img, 3, 3);  // only img(0,0) lands inside, at (3,3)
        CHECK(dst.pixel(3, 3) == colors::black);
        CHECK(count_not(dst, colors::white) == 1);
    }

    TEST_CASE("image: draw_line covers both end points and the pixels between") {
        Image img(10, 10);
        img.draw_line(1, 1, 8, 1, colors::black);
        CHECK(count_not(img, colors::white) == 8);
        Image diag(10, 10);
        diag.draw_line(9, 9, 0, 0, colors::black);
        CHECK(count_not(diag, colors::white) == 10);
        for (std::size_t i = 0; i < 10; ++i) CHECK(diag.pixel(i, i) == colors::black);
        Image steep(10, 10);
        steep.draw_line(2, 0, 4, 9, colors::black);  // one pixel per row
        CHECK(count_not(steep, colors::white) == 10);
        CHECK(steep.pixel(2, 0) == colors::black);
        CHECK(steep.pixel(4, 9) == colors::black);
        Image thick(10, 10);
        thick.draw_line(0, 5, 9, 5, colors::black, 3);
        CHECK(count_not(thick, colors::white) == 30);
        Image off(10, 10);
        off.draw_line(-50, -20, 60, 30, colors::black);  // mostly outside, no crash
        CHECK(count_not(off, colors::white) > 0);
    }

    TEST_CASE("image: draw_text changes pixels inside its measured box only") {
        Image img(120, 40);
        img.draw_text(10, 10, "7 (0.98)", colors::black);
        const std::size_t inked = count_not(img, colors::white);
        CHECK(inked > 20);
        const int tw = Image::text_width("7 (0.98)"), th = Image::text_height("7 (0.98)");
        CHECK(tw > 30);
        CHECK(th >= 8);
        for (std::size_t y = 0; y < img.height; ++y)
            for (std::size_t x = 0; x < img.width; ++x)
                if (img.pixel(x, y) != colors::white) {
                    CHECK(static_cast<int>(x) >= 10);
                    CHECK(static_cast<int>(x) < 10 + tw);
                    CHECK(static_cast<int>(y) >= 10);
                    CHECK(static_cast<int>(y) < 10 + th);
                }
        Image other(120, 40);
        other.draw_text(10, 10, "1 (0.12)", colors::black);
        CHECK(other.pixels != img.pixels);
        Image big(240, 80);
        big.draw_text(10, 10, "7 (0.98)", colors::black, 2);
        CHECK(count_not(big, colors::white) == 4 * inked);  // scale 2: every pixel a 2x2 block
        CHECK(Image::text_width("7 (0.98)", 2) == 2 * tw);
        Image odd(60, 30);
        odd.draw_text(2, 2, "\xc3\xa9\t\x01~", colors::black);  // non-ASCII: drawn as '?', no crash
        CHECK(count_not(odd, colors::white) > 0);
        Image clipped(10, 10);
        clipped.draw_text(-5, -5, "WWWWWWWW", colors::black, 3);
        CHECK(count_not(clipped, colors::white) > 0);
    }

    TEST_CASE("image: blit_gray maps [lo, hi] to 0..255 with scale blocks") {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float tile[] = {-1.0f, 0.0f, 1.0f, 5.0f, -9.0f, nan};  // 2 x 3
        Image img(8, 6, colors::red);
        img.blit_gray(tile, 2, 3, 1, 1, -1.0f, 1.0f, 2);
        CHECK(img.pixel(1, 1) == colors::black);
        CHECK(img.pixel(2, 2) == colors::black);
        CHECK(img.pixel(3, 1) == Rgb{128, 128, 128});  // 0 -> 127.5 rounds to 128
        CHECK(img.pixel(5, 2) == colors::white);
        CHECK(img.pixel(1, 3) == colors::white);       // 5 clamps to hi
        CHECK(img.pixel(3, 4) == colors::black);       // -9 clamps to lo
        CHECK(img.pixel(6, 4) == colors::nan_marker);  // NaN is marked
        CHECK(img.pixel(0, 0) == colors::red);         // untouched outside the tile
        CHECK(img.pixel(7, 5) == colors::red);
        CHECK_THROWS_AS(img.blit_gray(tile, 2, 3, 0, 0, 1.0f, 1.0f), std::invalid_argument);
    }
}
