// Data-parallel costs, run under mpirun with any number of ranks (1 rank: the single-process
// figures; the iteration counts are fixed so that every rank runs the same collectives):
//   allreduce/floats:N          Communicator::allreduce_sum of N floats in place (N: 1 Ki, 16 Ki and
//                               the gradient sizes of LeNet-5, the DCGAN D and G, the MLP GAN D and G)
//   lenet5_gradient_allreduce   the GradientAllreduce hook on LeNet-5's 61,706 gradients + 2 sums
//                               (host staging, share weighting and the allreduce)
//   lenet5_step/<sync>          one LeNet-5 step of a global batch of 64 (64 / R per rank, Adam):
//                               sync none (no allreduce: the compute of a share), blocking (one
//                               allreduce after backward), overlapped/bucket:K (MPI_Iallreduce of
//                               about K gradients each as layers finish backward: 64 Ki is one
//                               bucket for LeNet-5, 16 Ki two, 1 Ki one per layer); items/s counts
//                               the global batch
//   lenet5_epoch/blocking       dist::fit_epoch over MNIST's 60,000 training images, batch 64
//                               (needs data/mnist or $CTNN_MNIST_DIR; skipped without)
//   dcgan_iteration/blocking    a DCGAN iteration (D and G steps, each averaged), global batch 64
//   mlp_gan_iteration/blocking  the same for the MLP GAN (MlpGeneratorBN + MlpDiscriminator; with
//                               BatchNorm on 64 / R images per rank, as DDP without SyncBatchNorm)
// Only rank 0 prints. ctnn runs one thread per rank.
//   mpirun -np 2 --oversubscribe ./build/bench/bench_dist --benchmark_filter=allreduce
// (as root with OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 in the environment)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/data/mnist.hpp>
#include <ctnn/dist/dist.hpp>
#include <ctnn/losses/softmax_cross_entropy.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/classifier.hpp>
#include <ctnn/train/gan.hpp>

#include "../bench.hpp"

using namespace ctnn;

namespace {

using B = cpu::Blas;
using LeNet = Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam, B>;
constexpr std::size_t global_batch = 64;

// Ranks other than 0 measure but do not print.
class SilentReporter : public benchmark::BenchmarkReporter {
  public:
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>&) override {}
};

void allreduce(benchmark::State& state, dist::Communicator& comm, std::size_t n) {
    std::vector<float> values = bench::inputs(n);
    comm.barrier();
    for (auto _ : state) {
        comm.allreduce_sum(std::span<float>(values));
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n * 4));
}

void lenet5_gradient_allreduce(benchmark::State& state, dist::Communicator& comm) {
    Model<models::LeNet5, B> model(42);
    std::vector<float> gradients = bench::inputs(models::LeNet5::param_count), sums = {1.0f, 30.0f};
    const auto slots = Model<models::LeNet5, B>::parameter_slots();
    dist::GradientAllreduce<B> sync(comm);
    comm.barrier();
    for (auto _ : state) {
        const GradientView<B> view{
            model.parameters(), gradients.data(), models::LeNet5::param_count, &slots, sums.data(), 2, 1, 0};
        sync(view);
    }
}

enum class Sync { none, blocking, overlapped };

void lenet5_step(benchmark::State& state, dist::Communicator& comm, Sync kind, std::size_t bucket = 0) {
    const data::ShareRange share = data::share_range(global_batch, dist::shard(comm));
    const auto x = bench::inputs(share.size() * 784, std::uint32_t(comm.rank() + 1));
    std::vector<std::int32_t> y(share.size());
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<std::int32_t>((share.first + i) % 10);
    LeNet clf(Adam{.lr = 1e-3f}, 42);
    dist::GradientAllreduce<B> blocking(comm);
    dist::OverlappedGradientAllreduce<B> overlapped(comm, bucket);
    if (kind == Sync::blocking) dist::attach(comm, clf, blocking);
    if (kind == Sync::overlapped) dist::attach(comm, clf, overlapped);
    const double weight = double(share.size()) / double(global_batch);
    blocking.set_weight(weight);
    overlapped.set_weight(weight);
    clf.fit_batch(x.data(), y.data(), y.size());
    comm.barrier();
    for (auto _ : state) {
        blocking.set_weight(weight);
        overlapped.set_weight(weight);
        benchmark::DoNotOptimize(clf.fit_batch(x.data(), y.data(), y.size()));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * global_batch));
    if (kind != Sync::none) {
        const double seconds = kind == Sync::blocking ? blocking.total_seconds() : overlapped.total_seconds();
        state.counters["mpi_wait_us"] = 1e6 * seconds / double(state.iterations() + 1);
    }
    if (kind == Sync::overlapped) state.counters["buckets"] = double(overlapped.last_buckets());
}

void lenet5_epoch(benchmark::State& state, dist::Communicator& comm, const data::Dataset* train) {
    if (!train) {
        state.SkipWithError("MNIST not found: set CTNN_MNIST_DIR or run scripts/fetch-mnist.sh");
        return;
    }
    LeNet clf(Adam{.lr = 1e-3f}, 42);
    dist::GradientAllreduce<B> sync(comm);
    dist::attach(comm, clf, sync);
    comm.barrier();
    double accuracy = 0;
    for (auto _ : state) {
        const EpochStats stats = dist::fit_epoch(comm, clf, sync, *train, global_batch);
        state.SetIterationTime(stats.seconds);
        accuracy = stats.accuracy;
        state.counters["mpi_wait_s"] = sync.total_seconds();
    }
    state.counters["train_accuracy"] = accuracy;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(train->size()));
}

template <class G, class D>
void gan_iteration(benchmark::State& state, dist::Communicator& comm) {
    const Adam adam{.lr = 2e-4f, .beta1 = 0.5f};
    auto gan = std::make_unique<Gan<G, D>>(adam, adam, 42);
    dist::GradientAllreduce<B> d_sync(comm), g_sync(comm);
    dist::attach(comm, *gan, d_sync, g_sync);
    const std::size_t n = data::share_range(global_batch, dist::shard(comm)).size();
    d_sync.set_weight(double(n) / double(global_batch));
    g_sync.set_weight(double(n) / double(global_batch));
    const auto x = bench::inputs(n * D::input_shape::size, std::uint32_t(comm.rank() + 1));
    gan->fit_batch(x.data(), n, global_batch);
    comm.barrier();
    for (auto _ : state) benchmark::DoNotOptimize(gan->fit_batch(x.data(), n, global_batch));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * global_batch));
    state.counters["mpi_wait_us"] =
        1e6 * (d_sync.total_seconds() + g_sync.total_seconds()) / double(state.iterations() + 1);
}

}  // namespace

int main(int argc, char** argv) {
    dist::Environment env(argc, argv);
    dist::Communicator comm;
    set_num_threads(1);
    std::optional<data::Dataset> train;
    try {
        const char* dir = std::getenv("CTNN_MNIST_DIR");
        train = data::mnist::load(dir ? dir : "data/mnist").train;
    } catch (const std::exception&) {
    }
    // Every rank must see MNIST, or none: the epoch runs collectives.
    const bool all_have_data = !comm.any(!train.has_value());
    const data::Dataset* train_data = all_have_data ? &*train : nullptr;

    const std::string ranks = "/ranks:" + std::to_string(comm.size());
    const std::pair<const char*, std::size_t> sizes[] = {{"1Ki", 1024},
                                                         {"16Ki", 16384},
                                                         {"lenet5", models::LeNet5::param_count},
                                                         {"dcgan_d", models::DcganDiscriminator::param_count},
                                                         {"dcgan_g", models::DcganGenerator<>::param_count},
                                                         {"mlp_d", models::MlpDiscriminator::param_count},
                                                         {"mlp_g", models::MlpGeneratorBN<>::param_count}};
    for (const auto& [name, n] : sizes)
        benchmark::RegisterBenchmark(
            ("allreduce/floats:" + std::to_string(n) + "(" + name + ")" + ranks).c_str(),
            [&comm, n = n](benchmark::State& s) { allreduce(s, comm, n); })
            ->Iterations(n > 100000 ? 100 : 1000)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("lenet5_gradient_allreduce" + ranks).c_str(),
                                 [&comm](benchmark::State& s) { lenet5_gradient_allreduce(s, comm); })
        ->Iterations(1000)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    const auto step = [&](const std::string& name, Sync kind, std::size_t bucket) {
        benchmark::RegisterBenchmark(
            ("lenet5_step/" + name + "/batch:64" + ranks).c_str(),
            [&comm, kind, bucket](benchmark::State& s) { lenet5_step(s, comm, kind, bucket); })
            ->Iterations(200)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    };
    step("none", Sync::none, 0);
    step("blocking", Sync::blocking, 0);
    for (const std::size_t bucket : {65536, 16384, 1024})
        step("overlapped/bucket:" + std::to_string(bucket), Sync::overlapped, bucket);
    benchmark::RegisterBenchmark(
        ("lenet5_epoch/blocking/batch:64" + ranks).c_str(),
        [&comm, train_data](benchmark::State& s) { lenet5_epoch(s, comm, train_data); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kSecond);
    benchmark::RegisterBenchmark(("dcgan_iteration/blocking/batch:64" + ranks).c_str(),
                                 [&comm](benchmark::State& s) {
                                     gan_iteration<models::DcganGenerator<>, models::DcganDiscriminator>(
                                         s, comm);
                                 })
        ->Iterations(30)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("mlp_gan_iteration/blocking/batch:64" + ranks).c_str(),
                                 [&comm](benchmark::State& s) {
                                     gan_iteration<models::MlpGeneratorBN<>, models::MlpDiscriminator>(s,
                                                                                                       comm);
                                 })
        ->Iterations(50)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);

    benchmark::Initialize(&argc, argv);
    if (comm.is_root()) {
        benchmark::RunSpecifiedBenchmarks();
    } else {
        SilentReporter silent;
        benchmark::RunSpecifiedBenchmarks(&silent);
    }
    benchmark::Shutdown();
    comm.barrier();
    return 0;
}
