// Forward and backward of every layer at the sizes LeNet-5, the MLP GANs and the DCGAN use,
// batch 64, at 1 and 2 threads. items/s counts samples; GFLOP/s counts 2 flops per
// multiply-add of the layer's compile-time count (backward: dweight + dinput, twice forward).
//   ./build/bench/bench_layers --benchmark_filter='Conv<16'
#include <string>

#include <ctnn/backend/cpu/blas.hpp>
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
    return 0;
}();

}  // namespace
