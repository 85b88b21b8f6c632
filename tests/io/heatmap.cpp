// Tests for io/heatmap.hpp: a confusion matrix as a PNG with annotated cells and a colour
// scale. Leaves io-heatmap/confusion.png in the test output dir to look at.
#include <ctnn/io/heatmap.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "png_reader.hpp"
#include "scratch.hpp"

using namespace ctnn::io;
using ctnn::io::test::read_png;
using ctnn::io::test::scratch_dir;

TEST_SUITE("io") {
    TEST_CASE("heatmap: a 10x10 confusion matrix with counts") {
        const auto dir = ctnn::io::test::output_dir("heatmap");  // kept for viewing
        std::vector<std::vector<std::int64_t>> cm(10, std::vector<std::int64_t>(10, 0));
        for (int i = 0; i < 10; ++i) {
            cm[i][i] = 950 + 9 * i;
            cm[i][(i + 3) % 10] = 7 + i;
            cm[i][(i + 7) % 10] = i % 3;
        }
        const std::vector<std::string> digits{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
        HeatmapOptions opt;
        opt.xlabel = "predicted";
        opt.ylabel = "true";
        plot_heatmap(dir / "confusion.png", "confusion matrix", cm, digits, digits, opt);
        const Image img = read_png(dir / "confusion.png");
        const Image direct = render_heatmap("confusion matrix", cm, digits, digits, opt);
        CHECK(img.pixels == direct.pixels);
        CHECK(img.width > 480);
        CHECK(img.height > 480);
        // The darkest blue (the largest count) and the lightest (zero) both appear.
        bool darkest = false, lightest = false;
        for (std::size_t y = 0; y < img.height; ++y)
            for (std::size_t x = 0; x < img.width; ++x) {
                darkest |= img.pixel(x, y) == blues(1.0);
                lightest |= img.pixel(x, y) == blues(0.0);
            }
        CHECK(darkest);
        CHECK(lightest);
        // Annotation changes pixels; without it the cells are flat colour.
        HeatmapOptions plain = opt;
        plain.annotate = false;
        CHECK(render_heatmap("confusion matrix", cm, digits, digits, plain).pixels != direct.pixels);
        MESSAGE("wrote " << (dir / "confusion.png").string());
    }

    TEST_CASE("heatmap: fractions, NaN, long column labels and argument errors") {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::vector<double> rates{0.91, 0.09, nan, 0.5};
        const Image img = render_heatmap("rates", 2, 2, rates, {"cat", "dog"}, {"a very long label", "b"});
        CHECK(img.width > 0);
        CHECK(blues(0.0) != blues(1.0));
        CHECK(blues(-5) == blues(0.0));
        CHECK(blues(nan) == blues(0.0));
        CHECK_THROWS_AS(render_heatmap("bad", 2, 2, std::vector<double>(3, 0.0)), std::invalid_argument);
        CHECK_THROWS_AS(render_heatmap("bad", 2, 2, rates, {"one"}), std::invalid_argument);
        CHECK_THROWS_AS(render_heatmap("bad", std::vector<std::vector<int>>{{1, 2}, {3}}),
                        std::invalid_argument);
        CHECK_THROWS_AS(render_heatmap("bad", std::vector<std::vector<int>>{}), std::invalid_argument);
    }
}
