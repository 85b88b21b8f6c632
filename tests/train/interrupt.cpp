// Stopping inside an epoch: with the stop flag raised, Classifier::fit_epoch and Gan::fit_epoch
// return after the step in progress (complete = false); finishing the epoch, on the same trainer
// or on a new one restored to that moment (weights, state, step, epoch_progress), gives the
// weights and the epoch figures of an uninterrupted epoch, bit for bit.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/classifier.hpp>
#include <ctnn/train/gan.hpp>

#include <atomic>
#include <vector>

using namespace ctnn;

namespace {

using B = cpu::Blas;
using Mlp = Sequential<Input<1, 2, 2>, Flatten, Dense<8>, Dropout<0.2f>, Tanh, Dense<3>>;
using PlainMlp = Sequential<Input<1, 2, 2>, Flatten, Dense<8>, Tanh, Dense<3>>;
using TinyG = Sequential<Input<3>, Dense<6>, BatchNorm<>, LeakyReLU<0.2f>, Dense<4>, Reshape<1, 2, 2>, Tanh>;
using TinyD = Sequential<Input<1, 2, 2>, Flatten, Dense<6>, LeakyReLU<0.2f>, Dense<1>>;

data::Dataset points(std::size_t n) {
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({n, 1, 2, 2});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < 4; ++k)
            d.images.data()[i * 4 + k] = 0.1f * static_cast<float>((i * 7 + k * 3) % 11) - 0.5f;
        d.labels(i) = static_cast<std::int32_t>(i % 3);
    }
    return d;
}

template <class M>
std::vector<float> parameters_of(const M& model) {
    return {model.parameters(), model.parameters() + M::net::param_count};
}
template <class M>
std::vector<float> state_of(const M& model) {
    return {model.state(), model.state() + M::state_count};
}
template <class M>
void restore(M& model, const std::vector<float>& params, const std::vector<float>& state) {
    std::copy(params.begin(), params.end(), model.parameters());
    std::copy(state.begin(), state.end(), model.state());
}

// Raises `stop` once the step has run `after` times.
template <class Step>
void stop_after(Step& step, std::atomic<bool>& stop, std::uint64_t after) {
    step.add_hook([&stop, after](const GradientView<B>& view) {
        if (view.step == after) stop = true;
    });
}

}  // namespace

TEST_CASE("Classifier: an epoch stopped after step 5 and finished equals an uninterrupted one") {
    const auto data = points(200);  // 13 batches of 16 (the last of 8)
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> whole(Adam{.lr = 0.01f}, 4), parts(Adam{.lr = 0.01f}, 4);
    const EpochStats expected = whole.fit_epoch(data, 16);

    std::atomic<bool> stop{false};
    parts.set_stop_flag(&stop);
    stop_after(parts.optimization_step(), stop, 5);
    const EpochStats first = parts.fit_epoch(data, 16);
    CHECK_FALSE(first.complete);
    CHECK(parts.epoch() == 0);
    CHECK(parts.epoch_progress().batches == 5);
    CHECK(parts.epoch_progress().seen == 80);
    stop = false;
    const EpochStats rest = parts.fit_epoch(data, 16);
    CHECK(rest.complete);
    CHECK(parts.epoch() == 1);
    CHECK(parts.epoch_progress().batches == 0);
    CHECK(rest.loss == expected.loss);
    CHECK(rest.accuracy == expected.accuracy);
    CHECK(parameters_of(parts.model()) == parameters_of(whole.model()));
}

TEST_CASE(
    "Classifier: a trainer restored to the stopping moment finishes the epoch as an uninterrupted one") {
    const auto data = points(200);
    Classifier<PlainMlp, SoftmaxCrossEntropy, SGD> whole(SGD{.lr = 0.1f}, 4), stopped(SGD{.lr = 0.1f}, 4),
        resumed(SGD{.lr = 0.1f}, 4);
    whole.fit_epoch(data, 16);
    const EpochStats expected = whole.fit_epoch(data, 16);

    stopped.fit_epoch(data, 16);
    std::atomic<bool> stop{false};
    stopped.set_stop_flag(&stop);
    stop_after(stopped.optimization_step(), stop, 13 + 7);
    CHECK_FALSE(stopped.fit_epoch(data, 16).complete);

    // What a checkpoint holds (SGD without momentum keeps no state of its own).
    restore(resumed.model(), parameters_of(stopped.model()), state_of(stopped.model()));
    resumed.set_epoch(stopped.epoch());
    resumed.set_step(stopped.step());
    resumed.set_epoch_progress(stopped.epoch_progress());
    const EpochStats rest = resumed.fit_epoch(data, 16);
    CHECK(rest.complete);
    CHECK(rest.loss == expected.loss);
    CHECK(rest.accuracy == expected.accuracy);
    CHECK(parameters_of(resumed.model()) == parameters_of(whole.model()));
}

TEST_CASE(
    "Gan: an epoch stopped and finished, on the same trainer or a restored one, equals an uninterrupted "
    "one") {
    const auto data = points(96);  // 12 iterations of 8
    const GanOptions options{.noise_std = 0.1f, .d_steps = 2};
    using Trainer = Gan<TinyG, TinyD, BCEWithLogits, SGD, SGD>;
    Trainer whole(SGD{.lr = 0.05f}, SGD{.lr = 0.05f}, 3, options);
    const GanEpochStats expected = whole.fit_epoch(data, 8);

    Trainer parts(SGD{.lr = 0.05f}, SGD{.lr = 0.05f}, 3, options);
    std::atomic<bool> stop{false};
    parts.set_stop_flag(&stop);
    stop_after(parts.discriminator_step(), stop, 5);  // after a D step with no G step (5 is odd)
    const GanEpochStats first = parts.fit_epoch(data, 8);
    CHECK_FALSE(first.complete);
    CHECK(parts.epoch_progress().batches == 5);

    Trainer resumed(SGD{.lr = 0.05f}, SGD{.lr = 0.05f}, 3, options);
    restore(resumed.generator(), parameters_of(parts.generator()), state_of(parts.generator()));
    restore(resumed.discriminator(), parameters_of(parts.discriminator()), state_of(parts.discriminator()));
    resumed.set_step(parts.step());
    resumed.set_epoch_progress(parts.epoch_progress());

    stop = false;
    const GanEpochStats rest = parts.fit_epoch(data, 8);
    const GanEpochStats restored = resumed.fit_epoch(data, 8);
    for (const GanEpochStats* stats : {&rest, &restored}) {
        CHECK(stats->complete);
        CHECK(stats->d_loss == expected.d_loss);
        CHECK(stats->g_loss == expected.g_loss);
        CHECK(stats->d_fake == expected.d_fake);
        CHECK(stats->d_steps == 12);
        CHECK(stats->g_steps == 6);
    }
    CHECK(parameters_of(parts.generator()) == parameters_of(whole.generator()));
    CHECK(parameters_of(resumed.generator()) == parameters_of(whole.generator()));
    CHECK(parameters_of(resumed.discriminator()) == parameters_of(whole.discriminator()));
    CHECK(resumed.epoch() == 1);
}
