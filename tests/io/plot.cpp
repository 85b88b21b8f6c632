// Tests for io/plot.hpp and io/chart.hpp: nice ticks and labels, and line charts written
// as PNGs of the requested size with the series colours present. Leaves
// io-plot/training_curves.png in the test output dir to look at.
#include <ctnn/io/plot.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "png_reader.hpp"
#include "scratch.hpp"

using namespace ctnn::io;
using ctnn::io::test::read_png;
using ctnn::io::test::scratch_dir;

namespace {
std::size_t count_color(const Image& img, Rgb c) {
    std::size_t n = 0;
    for (std::size_t y = 0; y < img.height; ++y)
        for (std::size_t x = 0; x < img.width; ++x) n += img.pixel(x, y) == c;
    return n;
}
}  // namespace

TEST_SUITE("io") {
    TEST_CASE("chart: nice ticks cover the data with 1-2-5 steps") {
        const Ticks t = nice_ticks(0.013, 2.31);
        CHECK(t.step == doctest::Approx(0.5));
        CHECK(t.lo == 0.0);
        CHECK(t.hi == doctest::Approx(2.5));
        CHECK(t.values.size() == 6);
        const Ticks e = nice_ticks(1, 30, 8);  // epochs 1..30
        CHECK(e.step == doctest::Approx(5));
        CHECK(e.lo == 0);
        CHECK(e.hi == doctest::Approx(30));
        CHECK(e.values.size() == 7);
        const Ticks neg = nice_ticks(-3.2, 4.9);
        CHECK(neg.lo <= -3.2);
        CHECK(neg.hi >= 4.9);
        for (double v : neg.values) CHECK(std::signbit(v) == (v < 0));  // zero is +0
        const Ticks flat = nice_ticks(0.5, 0.5);
        CHECK(flat.lo < 0.5);
        CHECK(flat.hi > 0.5);
        const Ticks none = nice_ticks(std::numeric_limits<double>::infinity(), -1);
        CHECK(none.lo == 0);
        CHECK(none.hi == doctest::Approx(1));
        const Ticks huge = nice_ticks(-1e308, 1e308);
        CHECK(std::isfinite(huge.step));
        CHECK(huge.values.size() >= 2);
        CHECK(format_tick(0.25, 0.05) == "0.25");
        CHECK(format_tick(1500, 500) == "1500");
        CHECK(format_tick(2.5e7, 5e6) == "2.5e+07");
        CHECK(format_tick(0.0002, 0.00005) == "0.0002");
        CHECK(format_tick(3e-6, 1e-6) == "3e-06");
    }

    TEST_CASE("plot: plot_lines writes a PNG of the requested size with every series drawn") {
        const auto dir = ctnn::io::test::output_dir("plot");  // kept for viewing
        Series train{"train loss", {}, {}}, val{"validation loss", {}, {}}, acc{"test accuracy", {}, {}};
        for (int e = 1; e <= 30; ++e) {
            train.y.push_back(2.3 * std::exp(-e / 6.0) + 0.05);
            val.y.push_back(2.3 * std::exp(-e / 7.0) + 0.12 + 0.02 * std::sin(e));
            acc.y.push_back(1.0 - 0.9 * std::exp(-e / 5.0));
        }
        plot_lines(dir / "training_curves.png", "LeNet-5 on MNIST", {train, val, acc}, "epoch",
                   "loss / accuracy");
        int channels = 0;
        const Image img = read_png(dir / "training_curves.png", &channels);
        CHECK(img.width == 800);
        CHECK(img.height == 500);
        CHECK(channels == 3);
        for (std::size_t k = 0; k < 3; ++k) CHECK(count_color(img, palette_color(k)) > 200);
        CHECK(count_color(img, colors::black) > 500);  // frame, ticks and text
        MESSAGE("wrote " << (dir / "training_curves.png").string());

        const Image small = render_lines("", {Series{"", {0.5, 1.5, 2.5}, {3, 1, 2}}}, "", "", 300, 200);
        CHECK(small.width == 300);
        CHECK(small.height == 200);
        CHECK(count_color(small, palette_color(0)) > 50);
    }

    TEST_CASE("plot: degenerate inputs draw without failing") {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        CHECK_NOTHROW(render_lines("empty", {}, "x", "y"));
        CHECK_NOTHROW(render_lines("one point", {Series{"p", {}, {1.0}}}, "x", "y"));
        CHECK_NOTHROW(render_lines("flat", {Series{"c", {}, {2, 2, 2}}}, "x", "y"));
        const Image gaps = render_lines("gaps", {Series{"g", {}, {1, nan, 3, INFINITY, 2}}}, "x", "y");
        CHECK(count_color(gaps, palette_color(0)) > 0);
        CHECK_THROWS_AS(render_lines("bad", {Series{"b", {1, 2}, {1}}}, "x", "y"), std::invalid_argument);
        CHECK_THROWS_AS(render_lines("tiny", {}, "x", "y", 50, 50), std::invalid_argument);
        const auto dir = scratch_dir("plot-errors");
        CHECK_THROWS_WITH_AS(plot_lines(dir / "missing" / "p.png", "t", {}, "x", "y"),
                             doctest::Contains("p.png"), IoError);
        std::filesystem::remove_all(dir);
    }
}
