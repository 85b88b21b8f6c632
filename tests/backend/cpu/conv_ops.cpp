// cpu::Blas's convolution ops (conv2d, conv2d_backward_data, conv2d_backward_weight) in float
// against a textbook double loop, for shapes that reach every kernel: the channel layout
// (V = 1 and 2 vectors, tiles of 7/10/14 pixels, stride 1 and 2, padding; forward, weight
// and input gradients), the width layout (pairs of channels, one or two vectors per row, tiles
// of 2 and 3 taps), the im2col + GEMM fallback, and the dense case;
// at 1 and 2 threads, with batches that split unevenly. Im2colConv<cpu::Blas64> (the backend-
// neutral ops other backends may reuse) is checked against the same loop.
#include <doctest/doctest.h>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/backend/im2col_conv.hpp>
#include <ctnn/backend/threads.hpp>
#include <ctnn/core/random.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace ctnn;

namespace {

struct Case {
    std::size_t batch, channels, height, width, cout, kernel, stride, padding;
    ConvGeometry geometry() const { return {channels, height, width, kernel, stride, padding}; }
    std::string name() const {
        return "N" + std::to_string(batch) + " C" + std::to_string(channels) + " " + std::to_string(height) +
               "x" + std::to_string(width) + " Cout" + std::to_string(cout) + " K" + std::to_string(kernel) +
               " S" + std::to_string(stride) + " P" + std::to_string(padding);
    }
};

std::vector<double> random_values(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> v(n);
    for (auto& x : v) x = rng.uniform(-1.0, 1.0);
    return v;
}

// The index of input pixel (n, c, ih, iw) tap (oh, ow, kh, kw) reads, or -1 in the padding.
long tap(const Case& t, std::size_t n, std::size_t c, std::size_t oh, std::size_t ow, std::size_t kh,
         std::size_t kw) {
    const long ih = long(oh * t.stride + kh) - long(t.padding),
               iw = long(ow * t.stride + kw) - long(t.padding);
    if (ih < 0 || iw < 0 || ih >= long(t.height) || iw >= long(t.width)) return -1;
    return long(((n * t.channels + c) * t.height + std::size_t(ih)) * t.width + std::size_t(iw));
}

struct Reference {
    std::vector<double> y, dx, dw, db;
};

// y = conv(x, w) + b; dx, dw, db for the upstream gradient dy.
Reference reference(const Case& t, const std::vector<double>& x, const std::vector<double>& w,
                    const std::vector<double>& b, const std::vector<double>& dy) {
    const ConvGeometry g = t.geometry();
    const std::size_t ho = g.out_height(), wo = g.out_width(), k = t.kernel;
    Reference r{std::vector<double>(t.batch * t.cout * ho * wo), std::vector<double>(x.size()),
                std::vector<double>(w.size()), std::vector<double>(t.cout)};
    for (std::size_t n = 0; n < t.batch; ++n)
        for (std::size_t o = 0; o < t.cout; ++o)
            for (std::size_t oh = 0; oh < ho; ++oh)
                for (std::size_t ow = 0; ow < wo; ++ow) {
                    const std::size_t out = ((n * t.cout + o) * ho + oh) * wo + ow;
                    double total = b[o];
                    r.db[o] += dy[out];
                    for (std::size_t c = 0; c < t.channels; ++c)
                        for (std::size_t kh = 0; kh < k; ++kh)
                            for (std::size_t kw = 0; kw < k; ++kw) {
                                const long at = tap(t, n, c, oh, ow, kh, kw);
                                if (at < 0) continue;
                                const std::size_t wi = ((o * t.channels + c) * k + kh) * k + kw;
                                total += w[wi] * x[std::size_t(at)];
                                r.dx[std::size_t(at)] += w[wi] * dy[out];
                                r.dw[wi] += x[std::size_t(at)] * dy[out];
                            }
                    r.y[out] = total;
                }
    return r;
}

template <class T>
std::vector<T> as(const std::vector<double>& v) {
    return std::vector<T>(v.begin(), v.end());
}

template <class T>
double worst(const std::vector<T>& got, const std::vector<double>& want) {
    double error = 0;
    for (std::size_t i = 0; i < want.size(); ++i)
        error = std::max(error, std::abs(double(got[i]) - want[i]) / std::max(1.0, std::abs(want[i])));
    return error;
}

// Runs the three ops of backend B (or the Ops struct) on the case and compares with the reference.
template <class T, class Ops>
void check_case(const Case& t, double tolerance) {
    CAPTURE(t.name());
    const ConvGeometry g = t.geometry();
    const std::size_t out_size = t.batch * t.cout * g.out_height() * g.out_width();
    const auto x = random_values(t.batch * g.image_size(), 1), w = random_values(t.cout * g.col_rows(), 2);
    const auto b = random_values(t.cout, 3), dy = random_values(out_size, 4);
    const Reference r = reference(t, x, w, b, dy);

    const auto xt = as<T>(x), wt = as<T>(w), bt = as<T>(b), dyt = as<T>(dy);
    std::vector<T> y(out_size, T(7)), dx(x.size(), T(7)), dw(w.size(), T(0.5)), db(t.cout, T(0.25));
    // Rounding grows with the length of each sum: the tolerance is per sqrt(terms).
    const double plane = double(g.out_height() * g.out_width());
    const double y_tolerance = tolerance * std::sqrt(double(g.col_rows()));
    const double dx_tolerance = tolerance * std::sqrt(double(t.cout * t.kernel * t.kernel));
    const double dw_tolerance = tolerance * std::sqrt(double(t.batch) * plane);
    typename Ops::ConvWorkspace workspace;
    Ops::conv2d(xt.data(), wt.data(), bt.data(), y.data(), t.batch, t.cout, g, workspace);
    CHECK(worst(y, r.y) < y_tolerance);
    Ops::conv2d_backward_data(dyt.data(), wt.data(), dx.data(), t.batch, t.cout, g, workspace);
    CHECK(worst(dx, r.dx) < dx_tolerance);
    Ops::conv2d_backward_weight(xt.data(), dyt.data(), dw.data(), db.data(), t.batch, t.cout, g, workspace);
    for (auto& v : dw) v -= T(0.5);  // it adds to what was there
    for (auto& v : db) v -= T(0.25);
    CHECK(worst(dw, r.dw) < dw_tolerance);
    CHECK(worst(db, r.db) < dw_tolerance);
    // No bias: the same y less b.
    Ops::conv2d(xt.data(), wt.data(), nullptr, y.data(), t.batch, t.cout, g, workspace);
    std::vector<double> unbiased = r.y;
    for (std::size_t i = 0; i < unbiased.size(); ++i) unbiased[i] -= b[i / std::size_t(plane) % t.cout];
    CHECK(worst(y, unbiased) < y_tolerance);
}

const std::vector<Case> cases = {
    // channel layout
    {5, 6, 14, 14, 16, 5, 1, 0},    // LeNet-5's Conv<16, 5>: V = 1, 10-pixel tiles
    {3, 1, 28, 28, 64, 4, 2, 1},    // DCGAN's Conv<64, 4, 2, 1>: V = 2, 14-pixel tiles, padding
    {3, 64, 14, 14, 128, 4, 2, 1},  // DCGAN's Conv<128, 4, 2, 1>: 7-pixel tiles
    {2, 3, 9, 12, 32, 3, 1, 1},     // overlapping last tile (Wo = 12)
    {2, 2, 8, 8, 48, 3, 1, 0},      // three vectors: V = 1
    {3, 2, 11, 11, 16, 7, 1, 3},    // a row of more than five taps
    // input gradient in channel layout (C a multiple of the vector width)
    {2, 16, 9, 11, 8, 3, 1, 1},    // stride 1, padding
    {2, 32, 10, 10, 16, 4, 2, 0},  // stride 2, no padding
    {2, 16, 13, 15, 24, 3, 2, 1},  // stride 2, odd sizes
    // width layout (pairs of channels)
    {5, 1, 32, 32, 6, 5, 1, 0},   // LeNet-5's Conv<6, 5>: two vectors per row
    {3, 2, 10, 9, 4, 3, 1, 1},    // one vector, padding
    {2, 3, 12, 40, 10, 5, 1, 0},  // two vectors, five pairs
    {2, 1, 6, 6, 2, 2, 1, 0},     // one pair, 2x2 kernel
    {2, 2, 9, 9, 2, 4, 1, 0},     // 4 taps: two tiles of 2
    // im2col + GEMM
    {3, 4, 9, 9, 5, 3, 2, 1},    // stride 2, few channels
    {3, 2, 10, 9, 3, 3, 1, 1},   // an odd channel count
    {2, 1, 6, 6, 1, 2, 1, 0},    // one channel
    {2, 3, 20, 70, 4, 3, 1, 0},  // rows wider than two vectors
    {3, 2, 7, 7, 10, 3, 3, 0},   // stride 3
    // dense (the kernel covers the unpadded input)
    {7, 16, 5, 5, 120, 5, 1, 0},  // LeNet-5's Conv<120, 5>
};

}  // namespace

TEST_CASE("cpu::Blas convolution ops match a textbook loop on every kernel path (1 and 2 threads)") {
    const int before = get_num_threads();
    for (const int threads : {1, 2}) {
        CAPTURE(threads);
        set_num_threads(threads);
        for (const Case& t : cases) check_case<float, cpu::Blas>(t, 1e-6);
        // larger batches: the ops split them over the threads (uneven parts)
        check_case<float, cpu::Blas>({37, 6, 14, 14, 16, 5, 1, 0}, 1e-6);
        check_case<float, cpu::Blas>({29, 1, 32, 32, 6, 5, 1, 0}, 1e-6);
        check_case<float, cpu::Blas>({19, 1, 28, 28, 64, 4, 2, 1}, 1e-6);
        check_case<float, cpu::Blas>({23, 4, 9, 9, 5, 3, 2, 1}, 1e-6);
    }
    set_num_threads(before);
}

TEST_CASE("cpu::Blas64 and Im2colConv<cpu::Blas64> convolution ops match a textbook loop") {
    for (const Case& t : cases) {
        check_case<double, cpu::Blas64>(t, 1e-14);
        check_case<double, Im2colConv<cpu::Blas64>>(t, 1e-14);
    }
}
