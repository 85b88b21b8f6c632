// Tests for io/png.hpp: encode/decode round trip through stb_image, atomic write_png and
// its errors. (png.cpp, grid.cpp and plot.cpp all include png.hpp: the test binary
// linking at all shows the per-TU static stb copies do not clash.)
#include <ctnn/io/png.hpp>

#include <doctest/doctest.h>

#include "png_reader.hpp"
#include "scratch.hpp"

using namespace ctnn::io;
using ctnn::io::test::read_png;
using ctnn::io::test::scratch_dir;

TEST_SUITE("io") {
    TEST_CASE("png: write_png round trips every pixel through stb_image") {
        const auto dir = scratch_dir("png");
        Image img(7, 5, Rgb{10, 20, 30});
        img.set_pixel(0, 0, colors::red);
        img.set_pixel(6, 4, Rgb{1, 254, 77});
        img.draw_line(0, 4, 6, 0, colors::black);
        write_png(dir / "a.png", img);
        int channels = 0;
        const Image back = read_png(dir / "a.png", &channels);
        CHECK(channels == 3);
        CHECK(back.width == 7);
        CHECK(back.height == 5);
        CHECK(back.pixels == img.pixels);
        const auto bytes = encode_png(img);
        REQUIRE(bytes.size() > 8);
        CHECK(bytes[0] == 0x89);
        CHECK(bytes[1] == 'P');
        CHECK(std::filesystem::file_size(dir / "a.png") == bytes.size());
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("png: errors name the file and keep the previous file") {
        const auto dir = scratch_dir("png-errors");
        const Image good(3, 3, colors::black);
        write_png(dir / "keep.png", good);
        Image broken(4, 4);
        broken.pixels.resize(10);
        CHECK_THROWS_WITH_AS(write_png(dir / "keep.png", broken),
                             doctest::Contains("keep.png: image holds 10 bytes, 4x4 RGB needs 48"), IoError);
        CHECK_THROWS_WITH_AS(write_png(dir / "keep.png", Image{}), doctest::Contains("empty image"), IoError);
        CHECK_THROWS_WITH_AS(write_png(dir / "no" / "such" / "dir.png", good), doctest::Contains("dir.png"),
                             IoError);
        CHECK(read_png(dir / "keep.png").pixels == good.pixels);
        CHECK(std::distance(std::filesystem::directory_iterator(dir), {}) == 1);
        std::filesystem::remove_all(dir);
    }
}
