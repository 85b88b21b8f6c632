// cpu::im2col / col2im against a naive loop, against the backend-neutral per-element bodies of
// core/conv_geometry.hpp, and against each other (col2im is the adjoint of im2col).
#include <doctest/doctest.h>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/core/random.hpp>

#include <vector>

using namespace ctnn;

namespace {

// col[(c*K + kh)*K + kw][(n*Ho + oh)*Wo + ow] = im[n][c][oh*S - P + kh][ow*S - P + kw] (0 outside).
std::vector<double> naive_im2col(const std::vector<double>& im, std::size_t batch, const ConvGeometry& g) {
    const std::size_t ho = g.out_height(), wo = g.out_width(), k = g.kernel;
    std::vector<double> col(g.col_rows() * g.col_cols(batch), -99.0);
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t kh = 0; kh < k; ++kh)
            for (std::size_t kw = 0; kw < k; ++kw)
                for (std::size_t n = 0; n < batch; ++n)
                    for (std::size_t oh = 0; oh < ho; ++oh)
                        for (std::size_t ow = 0; ow < wo; ++ow) {
                            const long ih = long(oh * g.stride + kh) - long(g.padding);
                            const long iw = long(ow * g.stride + kw) - long(g.padding);
                            const bool inside =
                                ih >= 0 && iw >= 0 && ih < long(g.height) && iw < long(g.width);
                            col[((c * k + kh) * k + kw) * g.col_cols(batch) + (n * ho + oh) * wo + ow] =
                                inside ? im[((n * g.channels + c) * g.height + std::size_t(ih)) * g.width +
                                            std::size_t(iw)]
                                       : 0.0;
                        }
    return col;
}

std::vector<double> random_vector(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> values(n);
    for (auto& v : values) v = rng.uniform(-1.0, 1.0);
    return values;
}

const ConvGeometry geometries[] = {
    {1, 5, 5, 3, 1, 0},  // plain
    {2, 6, 7, 3, 1, 1},  // padding, non-square
    {3, 7, 6, 3, 2, 1},  // stride 2 with padding
    {2, 8, 8, 4, 2, 1},  // DCGAN-like
    {1, 9, 7, 2, 3, 0},  // stride larger than the kernel (skipped pixels)
    {2, 4, 4, 3, 2, 2},  // padding wider than a stride
    {3, 1, 1, 5, 1, 4},  // 1x1 image, everything else padding (ConvTranspose of a latent)
    {2, 7, 7, 7, 1, 0},  // kernel as large as the image: one window
};

}  // namespace

TEST_CASE("im2col: matches a naive loop for every geometry") {
    for (const ConvGeometry& g : geometries) {
        for (std::size_t batch : {1u, 3u}) {
            INFO("C ", g.channels, " H ", g.height, " W ", g.width, " K ", g.kernel, " S ", g.stride, " P ",
                 g.padding, " batch ", batch);
            const auto im = random_vector(batch * g.image_size(), 11);
            const auto expected = naive_im2col(im, batch, g);
            std::vector<double> col(expected.size(), 42.0);
            cpu::Blas64::im2col(im.data(), col.data(), batch, g);
            CHECK(col == expected);
            // The per-element body a GPU kernel uses gives the same matrix.
            for (std::size_t i = 0; i < col.size(); ++i) {
                const std::ptrdiff_t source = detail::im2col_source(g, batch, i);
                const double value = source < 0 ? 0.0 : im[std::size_t(source)];
                if (value != expected[i]) {
                    CHECK(value == expected[i]);
                    break;
                }
            }
        }
    }
}

TEST_CASE("col2im: is the adjoint of im2col, <im2col(x), c> == <x, col2im(c)>") {
    for (const ConvGeometry& g : geometries) {
        const std::size_t batch = 2;
        INFO("C ", g.channels, " H ", g.height, " W ", g.width, " K ", g.kernel, " S ", g.stride, " P ",
             g.padding);
        const auto x = random_vector(batch * g.image_size(), 3);
        const auto c = random_vector(g.col_rows() * g.col_cols(batch), 4);
        std::vector<double> col(c.size()), im(x.size(), 42.0);
        cpu::Blas64::im2col(x.data(), col.data(), batch, g);
        cpu::Blas64::col2im(c.data(), im.data(), batch, g);
        double lhs = 0, rhs = 0;
        for (std::size_t i = 0; i < c.size(); ++i) lhs += col[i] * c[i];
        for (std::size_t i = 0; i < x.size(); ++i) rhs += x[i] * im[i];
        CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
        // The per-element gather body gives the same image.
        for (std::size_t i = 0; i < im.size(); ++i) {
            const double gathered = detail::col2im_gather(g, batch, i, c.data());
            if (gathered != doctest::Approx(im[i]).epsilon(1e-12)) {
                CHECK(gathered == doctest::Approx(im[i]));
                break;
            }
        }
    }
}

TEST_CASE("col2im: overwrites the image and sums overlapping windows") {
    // 1 channel 3x3 image, 2x2 kernel, stride 1: the centre pixel is in all 4 windows.
    const ConvGeometry g{1, 3, 3, 2, 1, 0};
    std::vector<float> col(4 * 4, 1.0f), im(9, 100.0f);
    cpu::Blas::col2im(col.data(), im.data(), 1, g);
    CHECK(im == std::vector<float>{1, 2, 1, 2, 4, 2, 1, 2, 1});
}

TEST_CASE("im2col: float and double agree on a padded stride-2 case") {
    const ConvGeometry g{2, 5, 5, 3, 2, 1};
    const auto x = random_vector(g.image_size(), 5);
    std::vector<float> xf(x.begin(), x.end()), colf(g.col_rows() * g.col_cols(1));
    std::vector<double> cold(colf.size());
    cpu::Blas::im2col(xf.data(), colf.data(), 1, g);
    cpu::Blas64::im2col(x.data(), cold.data(), 1, g);
    for (std::size_t i = 0; i < colf.size(); ++i) CHECK(colf[i] == float(cold[i]));
}

TEST_CASE("ConvGeometry: output sizes") {
    static_assert(ConvGeometry{1, 32, 32, 5}.out_height() == 28);
    static_assert(ConvGeometry{64, 14, 14, 4, 2, 1}.out_width() == 7);
    static_assert(ConvGeometry{3, 6, 6, 3}.col_rows() == 27);
    static_assert(ConvGeometry{3, 6, 6, 3}.col_cols(2) == 32);
    CHECK(detail::window_layer_name("Conv", "6, ", 5, 1, 1, 0) == "Conv<6, 5x5>");
    CHECK(detail::window_layer_name("AvgPool", "", 3, 2, 3, 0) == "AvgPool<3x3, stride 2>");
}
