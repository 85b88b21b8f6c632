// cuda::CuBlas against cpu::Blas, op by op, on the same inputs (backend/cuda/cublas.cuh).
// Every test needs a GPU and reports SKIPPED without one.
#include "gpu.hpp"

#include <cstdint>
#include <cstring>

using namespace ctnn;
using namespace ctnn::testing;
using Cpu = cpu::Blas;
using Gpu = cuda::CuBlas;

static_assert(Backend<cuda::CuBlas>);
static_assert(std::is_same_v<Gpu::buffer<float>, cuda::DeviceBuffer<float>>);
static_assert(!std::is_copy_constructible_v<cuda::DeviceBuffer<float>>);
static_assert(std::is_nothrow_move_constructible_v<cuda::DeviceBuffer<float>>);

TEST_CASE("cuda ops: allocate zero-fills, and a DeviceBuffer moves and owns its memory") {
    CTNN_REQUIRE_GPU();
    auto a = Gpu::allocate<float>(1000);
    CHECK(a.size() == 1000);
    const auto host = to_host(a.data(), a.size());
    CHECK(std::all_of(host.begin(), host.end(), [](float v) { return v == 0.0f; }));
    const float* p = a.data();
    cuda::DeviceBuffer<float> b = std::move(a);
    CHECK(b.data() == p);
    CHECK(a.data() == nullptr);
    CHECK(a.size() == 0);
    auto labels = Gpu::allocate<std::int32_t>(7);
    const std::vector<std::int32_t> values = {0, 1, -2, 3, 9, 5, 6};
    Gpu::from_host(values.data(), labels.data(), values.size());
    CHECK(to_host(labels.data(), 7) == values);
    CHECK(Gpu::allocate<float>(0).data() == nullptr);
}

TEST_CASE("cuda ops: gemm matches OpenBLAS for every transpose, leading dimension and beta") {
    CTNN_REQUIRE_GPU();
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (float beta : {0.0f, 1.0f, -0.5f}) {
                const std::size_t m = 37, n = 45, k = 29, pad = 3;
                const std::size_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                const auto a = random_floats((ta ? k : m) * lda, 1), b = random_floats((tb ? n : k) * ldb, 2);
                auto c = random_floats(m * ldc, 3);
                auto da = to_device(a), db = to_device(b), dc = to_device(c);
                Cpu::gemm(ta, tb, m, n, k, 0.75f, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
                Gpu::gemm(ta, tb, m, n, k, 0.75f, da.data(), lda, db.data(), ldb, beta, dc.data(), ldc);
                INFO("transpose_a " << ta << ", transpose_b " << tb << ", beta " << beta);
                check_close("C", c.data(), dc.data(), c.size(), 1e-5);
            }
    // k = 0: C = beta C; empty outputs: nothing happens.
    auto c = random_floats(6, 4);
    auto dc = to_device(c);
    Gpu::gemm(false, false, 2, 3, 0, 1.0f, nullptr, 0, nullptr, 3, 0.5f, dc.data(), 3);
    for (auto& v : c) v *= 0.5f;
    check_close("k = 0", c.data(), dc.data(), 6, 0);
    Gpu::gemm(false, false, 0, 3, 4, 1.0f, nullptr, 4, nullptr, 3, 0.0f, nullptr, 3);
}

TEST_CASE("cuda ops: for_each, fill, copy") {
    CTNN_REQUIRE_GPU();
    const std::size_t n = 100'003;  // more than one grid's worth of blocks would be too: grid-stride
    auto x = random_floats(n, 5);
    auto dx = to_device(x);
    float* p = dx.data();
    Gpu::for_each(n, [p] CTNN_HD(std::size_t i) { p[i] = p[i] * 2.0f + static_cast<float>(i % 7); });
    for (std::size_t i = 0; i < n; ++i) x[i] = x[i] * 2.0f + static_cast<float>(i % 7);
    check_close("for_each", x.data(), dx.data(), n, 0);
    Gpu::for_each(0, [p] CTNN_HD(std::size_t i) { p[i] = -1.0f; });  // no launch
    check_close("for_each(0)", x.data(), dx.data(), n, 0);

    Gpu::fill(dx.data() + 10, 1000, 3.5f);
    std::fill(x.begin() + 10, x.begin() + 1010, 3.5f);
    Gpu::fill(dx.data() + 2000, 500, 0.0f);
    std::fill(x.begin() + 2000, x.begin() + 2500, 0.0f);
    check_close("fill", x.data(), dx.data(), n, 0);

    auto dy = Gpu::allocate<float>(n);
    Gpu::copy(dx.data(), dy.data(), n);
    check_close("copy", x.data(), dy.data(), n, 0);
    Gpu::copy(dy.data(), dy.data() + 1, 1000);  // overlapping, as memmove
    std::memmove(x.data() + 1, x.data(), 1000 * sizeof(float));
    check_close("overlapping copy", x.data(), dy.data(), n, 0);
}

TEST_CASE("cuda ops: sum (deterministic tree reduction, own or caller scratch) matches the CPU's") {
    CTNN_REQUIRE_GPU();
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{256},
                          std::size_t{257}, std::size_t{65'536}, std::size_t{1'000'001}}) {
        const auto x = random_floats(n, 6 + n);
        auto dx = to_device(x);
        double exact = 0;
        for (float v : x) exact += v;
        const float gpu = Gpu::sum(dx.data(), n);
        INFO("n = " << n << ": gpu " << gpu << ", exact " << exact << ", cpu " << Cpu::sum(x.data(), n));
        CHECK(std::abs(gpu - exact) <= 1e-5 * std::max(1.0, std::sqrt(double(n))));
        CHECK(Gpu::sum(dx.data(), n) == gpu);                               // the same every time
        auto scratch = Gpu::allocate<float>(cuda::detail::sum_blocks + 1);  // the caller's workspace
        CHECK(Gpu::sum(dx.data(), n, scratch.data()) == gpu);
    }
}

TEST_CASE("cuda ops: row and channel bias and their gradients") {
    CTNN_REQUIRE_GPU();
    const std::size_t rows = 33, cols = 70, batch = 5, channels = 6, plane = 49;
    auto y = random_floats(rows * cols, 7);
    const auto v = random_floats(cols, 8);
    auto dy = to_device(y), dv = to_device(v);
    Cpu::add_row_vector(y.data(), v.data(), rows, cols);
    Gpu::add_row_vector(dy.data(), dv.data(), rows, cols);
    check_close("add_row_vector", y.data(), dy.data(), y.size(), 0);

    auto s = random_floats(cols, 9);
    auto ds = to_device(s);
    Cpu::sum_rows(y.data(), s.data(), rows, cols);
    Gpu::sum_rows(dy.data(), ds.data(), rows, cols);
    check_close("sum_rows", s.data(), ds.data(), cols, 1e-5);

    auto t = random_floats(batch * channels * plane, 10);
    const auto bias = random_floats(channels, 11);
    auto dt = to_device(t), dbias = to_device(bias);
    Cpu::add_channel_bias(t.data(), bias.data(), batch, channels, plane);
    Gpu::add_channel_bias(dt.data(), dbias.data(), batch, channels, plane);
    check_close("add_channel_bias", t.data(), dt.data(), t.size(), 0);

    auto g = random_floats(channels, 12);
    auto dg = to_device(g);
    Cpu::sum_channels(t.data(), g.data(), batch, channels, plane);
    Gpu::sum_channels(dt.data(), dg.data(), batch, channels, plane);
    check_close("sum_channels", g.data(), dg.data(), channels, 1e-5);
}

TEST_CASE("cuda ops: transpose_blocks") {
    CTNN_REQUIRE_GPU();
    for (std::size_t block : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
        const std::size_t rows = 7, cols = 5;
        const auto x = random_floats(rows * cols * block, 13);
        std::vector<float> y(x.size());
        auto dx = to_device(x);
        auto dy = Gpu::allocate<float>(x.size());
        Cpu::transpose_blocks(x.data(), y.data(), rows, cols, block);
        Gpu::transpose_blocks(dx.data(), dy.data(), rows, cols, block);
        check_close("transpose_blocks", y.data(), dy.data(), y.size(), 0);
    }
}

TEST_CASE("cuda ops: im2col and col2im match the CPU for strides, padding and batches") {
    CTNN_REQUIRE_GPU();
    const ConvGeometry geometries[] = {{1, 32, 32, 5, 1, 0}, {6, 14, 14, 5, 1, 0}, {3, 9, 11, 3, 2, 1},
                                       {4, 7, 7, 4, 2, 1},   {2, 5, 6, 2, 3, 1},   {64, 7, 7, 4, 2, 1}};
    for (const ConvGeometry& g : geometries)
        for (std::size_t batch : {std::size_t{1}, std::size_t{3}}) {
            INFO("C " << g.channels << " H " << g.height << " W " << g.width << " K " << g.kernel << " S "
                      << g.stride << " P " << g.padding << " batch " << batch);
            const auto im = random_floats(batch * g.image_size(), 14);
            std::vector<float> col(g.col_rows() * g.col_cols(batch));
            auto dim = to_device(im);
            auto dcol = Gpu::allocate<float>(col.size());
            Cpu::im2col(im.data(), col.data(), batch, g);
            Gpu::im2col(dim.data(), dcol.data(), batch, g);
            check_close("im2col", col.data(), dcol.data(), col.size(), 0);

            const auto c = random_floats(col.size(), 15);
            std::vector<float> back(im.size());
            auto dc = to_device(c);
            Cpu::col2im(c.data(), back.data(), batch, g);
            Gpu::col2im(dc.data(), dim.data(), batch, g);
            check_close("col2im", back.data(), dim.data(), back.size(), 1e-6);
        }
}

TEST_CASE("cuda ops: conv2d and its backward ops match the CPU (chunked batches, bias or none)") {
    CTNN_REQUIRE_GPU();
    const ConvGeometry geometries[] = {
        {1, 32, 32, 5, 1, 0}, {6, 14, 14, 5, 1, 0}, {3, 6, 6, 3, 1, 1}, {16, 4, 4, 4, 2, 1}};
    for (const ConvGeometry& g : geometries)
        for (std::size_t batch : {std::size_t{1}, std::size_t{5}, std::size_t{64}}) {
            const std::size_t cout = 7, out_size = cout * g.out_height() * g.out_width();
            INFO("C " << g.channels << " H " << g.height << " K " << g.kernel << " S " << g.stride << " P "
                      << g.padding << " batch " << batch);
            const auto x = random_floats(batch * g.image_size(), 16),
                       w = random_floats(cout * g.col_rows(), 17);
            const auto bias = random_floats(cout, 18), dy = random_floats(batch * out_size, 19);
            auto dx_ = to_device(x), dw = to_device(w), dbias_ = to_device(bias), ddy = to_device(dy);
            Cpu::ConvWorkspace cpu_workspace;
            Gpu::ConvWorkspace gpu_workspace;  // reused across the ops and batch sizes, as a layer's
            for (bool with_bias : {true, false}) {
                std::vector<float> y(batch * out_size);
                auto d_y = Gpu::allocate<float>(y.size());
                Cpu::conv2d(x.data(), w.data(), with_bias ? bias.data() : nullptr, y.data(), batch, cout, g,
                            cpu_workspace);
                Gpu::conv2d(dx_.data(), dw.data(), with_bias ? dbias_.data() : nullptr, d_y.data(), batch,
                            cout, g, gpu_workspace);
                check_close("conv2d", y.data(), d_y.data(), y.size(), 1e-5);
            }
            std::vector<float> dx(x.size());
            auto d_dx = Gpu::allocate<float>(dx.size());
            Cpu::conv2d_backward_data(dy.data(), w.data(), dx.data(), batch, cout, g, cpu_workspace);
            Gpu::conv2d_backward_data(ddy.data(), dw.data(), d_dx.data(), batch, cout, g, gpu_workspace);
            check_close("conv2d_backward_data", dx.data(), d_dx.data(), dx.size(), 1e-5);
            auto dweight = random_floats(w.size(), 20), dbias = random_floats(cout, 21);
            auto d_dweight = to_device(dweight), d_dbias = to_device(dbias);
            Cpu::conv2d_backward_weight(x.data(), dy.data(), dweight.data(), dbias.data(), batch, cout, g,
                                        cpu_workspace);
            Gpu::conv2d_backward_weight(dx_.data(), ddy.data(), d_dweight.data(), d_dbias.data(), batch, cout,
                                        g, gpu_workspace);
            check_close("conv2d_backward_weight: weight", dweight.data(), d_dweight.data(), w.size(), 1e-4);
            check_close("conv2d_backward_weight: bias", dbias.data(), d_dbias.data(), cout, 1e-4);
        }
}

TEST_CASE("cuda ops: no usable device is a clear cuda::Error, not a crash") {
    if (cuda::device_available()) {
        CHECK(cuda::device_status().reason.empty());
        CHECK_FALSE(cuda::device_status().describe().empty());
        std::printf("CUDA device: %s\n", cuda::device_status().describe().c_str());
        return;
    }
    CHECK_FALSE(cuda::device_status().reason.empty());
    CHECK_THROWS_AS(Gpu::allocate<float>(4), cuda::Error);
    std::printf("%s: allocate throws cuda::Error, as it should\n", cuda::device_status().reason.c_str());
}
