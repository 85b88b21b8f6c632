// Whole-network workloads at 1 and 2 threads: a LeNet-5 training step (batch 64, classic and
// ReLU, Adam) and a ResNet28 one (models/resnet.hpp), a LeNet-5 epoch on MNIST (60k images, Adam, batch 64;
// data loading and evaluation excluded), LeNet-5 inference (eval mode, batch 1 and 256; through a Model and
// through the inference-only binding, and from 1 or 2 threads sharing one set of weights), an MLP GAN
// iteration (MlpGeneratorBN + MlpDiscriminator) and a DCGAN iteration, both batch 64. items/s counts images;
// GFLOP/s counts 2 flops per multiply-add of the compile-time Net::flops: training = 3x forward (forward,
// dinput, dweight); a GAN iteration (D step on real and fake, G step through D) = 4 G forwards + 9 D
// forwards.
//   ./build/bench/bench_models --benchmark_filter=lenet5_step
// The epoch reads MNIST from $CTNN_MNIST_DIR (default data/mnist; scripts/fetch-mnist.sh).
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/data/mnist.hpp>
#include <ctnn/losses/bce.hpp>
#include <ctnn/losses/softmax_cross_entropy.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/nn/inference.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/classifier.hpp>
#include <ctnn/train/gan.hpp>

#include "bench.hpp"

using namespace ctnn;

namespace {

template <class Net>
constexpr double train_flops(std::size_t images) {
    return 3.0 * 2.0 * static_cast<double>(Net::flops) * static_cast<double>(images);
}

template <class Net>
void lenet5_step(benchmark::State& state) {
    bench::use_threads(state, 0);
    constexpr std::size_t batch = 64;
    Classifier<Net, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 1e-3f}, 42);
    const auto x = bench::inputs(batch * Net::input_shape::size);
    std::vector<std::int32_t> y(batch);
    for (std::size_t i = 0; i < batch; ++i) y[i] = static_cast<std::int32_t>(i % 10);
    clf.fit_batch(x.data(), y.data(), batch);
    for (auto _ : state) benchmark::DoNotOptimize(clf.fit_batch(x.data(), y.data(), batch));
    bench::report(state, batch, train_flops<Net>(batch));
}

const data::Mnist* mnist() {
    static std::optional<data::Mnist> data = []() -> std::optional<data::Mnist> {
        const char* dir = std::getenv("CTNN_MNIST_DIR");
        try {
            return data::mnist::load(dir ? dir : "data/mnist");
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }();
    return data ? &*data : nullptr;
}

template <class Net>
void lenet5_epoch(benchmark::State& state) {
    bench::use_threads(state, 0);
    const data::Mnist* data = mnist();
    if (!data) {
        state.SkipWithError("MNIST not found: set CTNN_MNIST_DIR or run scripts/fetch-mnist.sh");
        return;
    }
    Classifier<Net, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 1e-3f}, 42);
    double accuracy = 0;
    for (auto _ : state) {
        const EpochStats stats = clf.fit_epoch(data->train, 64);
        state.SetIterationTime(stats.seconds);
        accuracy = stats.accuracy;
    }
    state.counters["train_accuracy"] = accuracy;
    bench::report(state, data->train.size(), train_flops<Net>(data->train.size()));
}

template <class Net>
void lenet5_inference(benchmark::State& state) {
    bench::use_threads(state, 1);
    const auto batch = static_cast<std::size_t>(state.range(0));
    Model<Net, cpu::Blas> model(42);
    model.eval();
    const auto x = bench::inputs(batch * Net::input_shape::size);
    model.forward(x.data(), batch);
    for (auto _ : state) benchmark::DoNotOptimize(model.forward(x.data(), batch));
    bench::report(state, batch, 2.0 * static_cast<double>(Net::flops) * static_cast<double>(batch));
}

// The inference-only binding (nn/inference.hpp) on the same inputs: batch 1 and 256.
template <class Net>
void lenet5_inference_binding(benchmark::State& state) {
    bench::use_threads(state, 1);
    const auto batch = static_cast<std::size_t>(state.range(0));
    Weights<Net, cpu::Blas> weights(42);
    Inference<Net, cpu::Blas> net(weights);
    const auto x = bench::inputs(batch * Net::input_shape::size);
    net.forward(x.data(), batch);
    for (auto _ : state) benchmark::DoNotOptimize(net.forward(x.data(), batch));
    bench::report(state, batch, 2.0 * static_cast<double>(Net::flops) * static_cast<double>(batch));
}

// Serving from several threads: each of `threads` std::threads runs 2,000 batch-1 forwards through
// its own Inference on one shared const Weights, ctnn's pool at 1 thread; items are images over all
// threads, the time is the wall time of the whole round (thread start included, < 0.5%).
template <class Net>
void lenet5_inference_shared(benchmark::State& state) {
    constexpr int per_thread = 2000;
    const auto threads = static_cast<std::size_t>(state.range(0));
    ctnn::set_num_threads(1);
    const Weights<Net, cpu::Blas> weights(42);
    std::vector<std::unique_ptr<Inference<Net, cpu::Blas>>> nets;
    for (std::size_t t = 0; t < threads; ++t)
        nets.push_back(std::make_unique<Inference<Net, cpu::Blas>>(weights));
    const auto x = bench::inputs(Net::input_shape::size);
    for (auto& net : nets) net->forward(x.data(), 1);
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        for (std::size_t t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) benchmark::DoNotOptimize(nets[t]->forward(x.data(), 1));
            });
        for (auto& worker : workers) worker.join();
        state.SetIterationTime(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * threads * per_thread));
}

template <class G, class D>
void gan_iteration(benchmark::State& state) {
    bench::use_threads(state, 0);
    constexpr std::size_t batch = 64;
    const Adam adam{.lr = 2e-4f, .beta1 = 0.5f};
    auto gan = std::make_unique<Gan<G, D>>(adam, adam, 42);
    const auto x = bench::inputs(batch * D::input_shape::size);
    gan->fit_batch(x.data(), batch);
    for (auto _ : state) benchmark::DoNotOptimize(gan->fit_batch(x.data(), batch));
    const double macs = 4.0 * static_cast<double>(G::flops) + 9.0 * static_cast<double>(D::flops);
    bench::report(state, batch, 2.0 * macs * batch);
}

void thread_args(benchmark::internal::Benchmark* b) {
    for (const int threads : bench::thread_counts) b->Arg(threads);
    b->ArgName("threads")->UseRealTime();
}

BENCHMARK(lenet5_step<models::LeNet5>)->Name("lenet5_step/classic/batch:64")->Apply(thread_args);
BENCHMARK(lenet5_step<models::LeNet5Relu>)->Name("lenet5_step/relu/batch:64")->Apply(thread_args);
BENCHMARK(lenet5_step<models::ResNet28>)->Name("resnet28_step/batch:64")->Apply(thread_args);
BENCHMARK(lenet5_epoch<models::LeNet5>)
    ->Name("lenet5_epoch/classic/batch:64")
    ->Iterations(1)
    ->UseManualTime()
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads");
BENCHMARK(lenet5_inference<models::LeNet5>)
    ->Name("lenet5_inference/classic")
    ->ArgsProduct({{1, 256}, {1, 2}})
    ->ArgNames({"batch", "threads"})
    ->UseRealTime();
BENCHMARK(lenet5_inference_binding<models::LeNet5>)
    ->Name("lenet5_inference_binding/classic")
    ->ArgsProduct({{1, 256}, {1, 2}})
    ->ArgNames({"batch", "threads"})
    ->UseRealTime();
BENCHMARK(lenet5_inference_shared<models::LeNet5>)
    ->Name("lenet5_inference_shared/classic/batch:1")
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->UseManualTime();
BENCHMARK(gan_iteration<models::MlpGeneratorBN<>, models::MlpDiscriminator>)
    ->Name("mlp_gan_iteration/batch:64")
    ->Apply(thread_args);
BENCHMARK(gan_iteration<models::DcganGenerator<>, models::DcganDiscriminator>)
    ->Name("dcgan_iteration/batch:64")
    ->Apply(thread_args);

}  // namespace
