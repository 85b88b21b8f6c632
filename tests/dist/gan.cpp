// Data-parallel Gan (dist/gan.hpp): on R ranks the networks stay identical through an epoch with
// instance noise, Dropout in D and BatchNorm in G (each rank's own draws, averaged gradients), the
// epoch's figures are the same on every rank, and a stop flag raised on one rank stops all after
// the same iteration; saved by rank 0, loaded and finished, the run equals an uninterrupted one.
#include <ctnn/ctnn.hpp>
#include <ctnn/dist/dist.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/gan.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <vector>

using namespace ctnn;

namespace {

using B = cpu::Blas;
using TinyG = Sequential<Input<3>, Dense<6>, BatchNorm<>, LeakyReLU<0.2f>, Dense<4>, Reshape<1, 2, 2>, Tanh>;
using TinyD = Sequential<Input<1, 2, 2>, Flatten, Dense<6>, LeakyReLU<0.2f>, Dropout<0.2f>, Dense<1>>;
using Trainer = Gan<TinyG, TinyD, BCEWithLogits, Adam, Adam>;
const GanOptions options{.noise_std = 0.1f, .d_steps = 2};

data::Dataset points(std::size_t n) {
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({n, 1, 2, 2});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < 4; ++k)
            d.images.data()[i * 4 + k] = 0.1f * static_cast<float>((i * 7 + k * 3) % 11) - 0.5f;
        d.labels(i) = 0;
    }
    return d;
}

template <class M>
std::vector<float> parameters_of(const M& model) {
    return {model.parameters(), model.parameters() + M::net::param_count};
}

}  // namespace

TEST_CASE("dist Gan: R ranks stay identical and report the global batch's figures") {
    dist::Communicator comm;
    const auto data = points(96);
    Trainer gan(Adam{.lr = 0.01f}, Adam{.lr = 0.01f}, 3, options);
    dist::GradientAllreduce<B> d_sync(comm), g_sync(comm);
    dist::attach(comm, gan, d_sync, g_sync);
    CHECK(gan.data_share().ranks == comm.size());
    const GanEpochStats stats = dist::fit_epoch(comm, gan, d_sync, g_sync, data, 16);
    CHECK(stats.complete);
    CHECK(stats.d_steps == 6);
    CHECK(stats.g_steps == 3);
    CHECK(stats.d_real > 0.0);
    CHECK(stats.d_real < 1.0);
    // G's BatchNorm running statistics are each rank's own until average_state.
    CHECK(dist::max_difference(comm, gan.generator(), /*with_state=*/false) == 0.0);
    CHECK(dist::max_difference(comm, gan.discriminator()) == 0.0);
    dist::average_state(comm, gan.generator());
    CHECK(dist::max_difference(comm, gan.generator()) == 0.0);
    std::vector<double> figures = {stats.d_loss, stats.g_loss, stats.d_real, stats.d_fake};
    std::vector<double> root = figures;
    comm.broadcast(std::span<double>(root), 0);
    CHECK(figures == root);
}

TEST_CASE("dist Gan: a stop on one rank stops every rank; rank 0's checkpoints resume exactly") {
    dist::Communicator comm;
    const auto data = points(96);  // 6 iterations of a global batch of 16
    Trainer whole(Adam{.lr = 0.01f}, Adam{.lr = 0.01f}, 3, options);
    dist::GradientAllreduce<B> whole_d(comm), whole_g(comm);
    dist::attach(comm, whole, whole_d, whole_g);
    const GanEpochStats expected = dist::fit_epoch(comm, whole, whole_d, whole_g, data, 16);

    const std::filesystem::path dir = CTNN_TEST_OUTPUT_DIR;
    GanEpochProgress progress;
    std::uint64_t step = 0;
    {
        Trainer parts(Adam{.lr = 0.01f}, Adam{.lr = 0.01f}, 3, options);
        std::atomic<bool> stop{false};
        parts.discriminator_step().add_hook([&](const GradientView<B>& view) {  // before the allreduce
            if (view.step == 3 && comm.rank() == comm.size() - 1) stop = true;
        });
        dist::GradientAllreduce<B> d_sync(comm), g_sync(comm);
        dist::attach(comm, parts, d_sync, g_sync, &stop);
        const GanEpochStats first = dist::fit_epoch(comm, parts, d_sync, g_sync, data, 16);
        CHECK_FALSE(first.complete);
        CHECK(parts.epoch_progress().batches == 3);
        progress = parts.epoch_progress();
        step = parts.step();
        dist::average_state(comm, parts.generator());
        if (comm.is_root()) {
            io::save_checkpoint(dir / "dist_gan_g.safetensors", parts.generator(), {0, step, {}},
                                &parts.generator_optimizer_state());
            io::save_checkpoint(dir / "dist_gan_d.safetensors", parts.discriminator(), {0, step, {}},
                                &parts.discriminator_optimizer_state());
        }
        comm.barrier();
    }
    Trainer resumed(Adam{.lr = 0.01f}, Adam{.lr = 0.01f}, 3, options);
    io::load_checkpoint(dir / "dist_gan_g.safetensors", resumed.generator(),
                        &resumed.generator_optimizer_state());
    io::load_checkpoint(dir / "dist_gan_d.safetensors", resumed.discriminator(),
                        &resumed.discriminator_optimizer_state());
    resumed.set_step(step);
    resumed.set_epoch_progress(progress);
    dist::GradientAllreduce<B> d_sync(comm), g_sync(comm);
    dist::attach(comm, resumed, d_sync, g_sync);
    const GanEpochStats rest = dist::fit_epoch(comm, resumed, d_sync, g_sync, data, 16);
    CHECK(rest.complete);
    CHECK(rest.d_loss == expected.d_loss);
    CHECK(rest.g_loss == expected.g_loss);
    CHECK(rest.d_real == expected.d_real);
    CHECK(parameters_of(resumed.generator()) == parameters_of(whole.generator()));
    CHECK(parameters_of(resumed.discriminator()) == parameters_of(whole.discriminator()));
}
