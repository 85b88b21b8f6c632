// Forward and backward of every layer at the sizes LeNet-5, the MLP GANs and the DCGAN use,
// batch 64, at 1 and 2 threads. items/s counts samples; GFLOP/s counts 2 flops per
// multiply-add of the layer's compile-time count (backward: dweight + dinput, twice forward).
// The gemm/ benchmarks time cpu::gemm alone on those layers' products (ctnn's kernels, or
// every float product sent to OpenBLAS: kernels:1), GFLOP/s = 2 m n k per call; run them
// under OPENBLAS_CORETYPE=SkylakeX to compare with OpenBLAS's AVX-512 kernels.
//   ./build/bench/bench_layers --benchmark_filter='Conv<16'
//   ./build/bench/bench_layers --benchmark_filter='^gemm/'
#include <string>
#include <vector>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/backend/cpu/gemm.hpp>
#include <ctnn/layers/activations.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/layers/conv.hpp>
#include <ctnn/layers/conv_transpose.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/layers/pad.hpp>
#include <ctnn/layers/pool.hpp>
#include <ctnn/layers/reshape.hpp>
#include <ctnn/nn/model.hpp>

#include "bench.hpp"

using namespace ctnn;

namespace {

constexpr std::size_t batch = 64;

template <class Layer, std::size_t... D>
struct LayerBench {
    using In = Shape<D...>;
    using Net = Sequential<Input<D...>, Layer>;
    using Bound = typename Net::template layer<0>;
    static constexpr double flops = 2.0 * static_cast<double>(Bound::flops) * batch;

    static void forward(benchmark::State& state) {
        bench::use_threads(state, 0);
        Model<Net, cpu::Blas> model(1);
        const auto x = bench::inputs(batch * Net::input_shape::size);
        for (auto _ : state) benchmark::DoNotOptimize(model.forward(x.data(), batch));
        bench::report(state, batch, flops);
    }

    static void backward(benchmark::State& state) {
        bench::use_threads(state, 0);
        Model<Net, cpu::Blas> model(1);
        const auto x = bench::inputs(batch * Net::input_shape::size);
        const auto dout = bench::inputs(batch * Net::output_shape::size, 2);
        std::vector<float> dinput(x.size());
        model.forward(x.data(), batch);
        for (auto _ : state) {
            model.backward(dout.data(), dinput.data());
            benchmark::DoNotOptimize(dinput.data());
        }
        bench::report(state, batch, 2 * flops);
    }

    static void add(const std::string& group) {
        const std::string name = Bound::name() + " " + In::to_string() + " [" + group + "]";
        for (const int threads : bench::thread_counts) {
            benchmark::RegisterBenchmark(("forward/" + name).c_str(), forward)
                ->Arg(threads)
                ->ArgName("threads")
                ->UseRealTime();
            benchmark::RegisterBenchmark(("backward/" + name).c_str(), backward)
                ->Arg(threads)
                ->ArgName("threads")
                ->UseRealTime();
        }
    }
};

template <class Layer, std::size_t... D>
void add(const std::string& group) {
    LayerBench<Layer, D...>::add(group);
}

// C = op(A) op(B) + beta C through cpu::gemm; arguments: threads, kernels (0 ctnn, 1 OpenBLAS).
struct GemmBench {
    bool ta, tb;
    std::size_t m, n, k;
    float beta;

    void operator()(benchmark::State& state) const {
        bench::use_threads(state, 0);
        cpu::set_gemm_kernels(state.range(1) ? cpu::GemmKernels::openblas : cpu::GemmKernels::ctnn);
        const auto a = bench::inputs(m * k), b = bench::inputs(k * n, 2);
        std::vector<float> c(m * n, 0.0f);
        for (auto _ : state) {
            cpu::gemm<float>(ta, tb, m, n, k, 1.0f, a.data(), ta ? m : k, b.data(), tb ? k : n, beta,
                             c.data(), n);
            benchmark::DoNotOptimize(c.data());
            benchmark::ClobberMemory();
        }
        cpu::set_gemm_kernels(cpu::GemmKernels::ctnn);
        bench::report(state, 1, 2.0 * double(m) * double(n) * double(k));
    }

    void add(const std::string& what) const {
        const std::string name = std::string("gemm/") + (ta ? "T" : "N") + (tb ? "T" : "N") + " " +
                                 std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                                 " [" + what + "]";
        for (const int threads : bench::thread_counts)
            for (const int kernels : {0, 1})
                benchmark::RegisterBenchmark(name.c_str(), *this)
                    ->Args({threads, kernels})
                    ->ArgNames({"threads", "kernels"})
                    ->UseRealTime();
    }
};

// A Dense<units> layer on fan_in features, batch 64: forward y = x W^T, dW += dy^T x, dx = dy W.
void add_dense_gemms(std::size_t fan_in, std::size_t units, const std::string& group) {
    const std::string layer = group + " Dense<" + std::to_string(units) + "> " + std::to_string(fan_in);
    GemmBench{false, true, batch, units, fan_in, 0.0f}.add(layer + " forward");
    GemmBench{true, false, units, fan_in, batch, 1.0f}.add(layer + " dW");
    GemmBench{false, false, batch, fan_in, units, 0.0f}.add(layer + " dx");
}

const int registered = [] {
    // LeNet-5 (classic and ReLU)
    add<Pad<2>, 1, 28, 28>("lenet5");
    add<Conv<6, 5>, 1, 32, 32>("lenet5");
    add<Tanh, 6, 28, 28>("lenet5");
    add<ReLU, 6, 28, 28>("lenet5");
    add<AvgPool<2>, 6, 28, 28>("lenet5");
    add<MaxPool<2>, 6, 28, 28>("lenet5");
    add<Conv<16, 5>, 6, 14, 14>("lenet5");
    add<AvgPool<2>, 16, 10, 10>("lenet5");
    add<Conv<120, 5>, 16, 5, 5>("lenet5");
    add<Flatten, 120, 1, 1>("lenet5");
    add<Dense<84>, 120>("lenet5");
    add<Dense<10>, 84>("lenet5");
    // MLP GAN: generator 100-256-512-1024-784 with BatchNorm + LeakyReLU, discriminator 784-1024-512-256-1
    add<Dense<256>, 100>("gan");
    add<BatchNorm<>, 256>("gan");
    add<LeakyReLU<0.2f>, 256>("gan");
    add<Dense<512>, 256>("gan");
    add<Dense<1024>, 512>("gan");
    add<BatchNorm<>, 1024>("gan");
    add<Dense<784>, 1024>("gan");
    add<Tanh, 784>("gan");
    add<Dense<1024>, 784>("gan");
    add<LeakyReLU<0.2f>, 1024>("gan");
    add<Dense<1>, 256>("gan");
    // DCGAN
    add<Dense<128 * 7 * 7>, 100>("dcgan");
    add<BatchNorm<>, 128, 7, 7>("dcgan");
    add<ReLU, 128, 7, 7>("dcgan");
    add<ConvTranspose<64, 4, 2, 1>, 128, 7, 7>("dcgan");
    add<BatchNorm<>, 64, 14, 14>("dcgan");
    add<ConvTranspose<1, 4, 2, 1>, 64, 14, 14>("dcgan");
    add<Conv<64, 4, 2, 1>, 1, 28, 28>("dcgan");
    add<LeakyReLU<0.2f>, 64, 14, 14>("dcgan");
    add<Conv<128, 4, 2, 1>, 64, 14, 14>("dcgan");
    add<Dense<1>, 6272>("dcgan");
    // GEMMs alone: the MLP GAN's large Dense layers, the DCGAN's Dense<6272> and the im2col
    // products of its Conv<128, 4, 2, 1> on (64, 14, 14) (fan_in 1024, 5 images = 245 columns
    // per chunk), and a square product
    add_dense_gemms(256, 512, "gan");
    add_dense_gemms(512, 1024, "gan");
    add_dense_gemms(1024, 784, "gan");
    add_dense_gemms(784, 1024, "gan");
    add_dense_gemms(1024, 512, "gan");
    add_dense_gemms(100, 128 * 7 * 7, "dcgan");
    GemmBench{false, false, 128, 245, 1024, 0.0f}.add("dcgan Conv<128> im2col forward");
    GemmBench{true, false, 1024, 245, 128, 0.0f}.add("dcgan Conv<128> im2col dcol");
    GemmBench{false, true, 128, 1024, 245, 1.0f}.add("dcgan Conv<128> im2col dW");
    GemmBench{false, false, 1024, 1024, 1024, 0.0f}.add("square");
    return 0;
}();

}  // namespace
