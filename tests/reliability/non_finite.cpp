// NaN/Inf during training: NonFinitePolicy::stop throws NonFiniteError naming the step and the
// loss or the gradient tensor, without touching the weights; skip drops the step (no update,
// BatchNorm statistics restored) and counts it; and in a train-then-save loop the last good
// checkpoint on disk is left exactly as it was.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/classifier.hpp>

#include <cmath>
#include <limits>

#include "helpers.hpp"

using namespace ctnn;
using ctnn::reliability::read_all;
using ctnn::reliability::same_bits;
using ctnn::reliability::scratch_dir;

namespace {

constexpr float nan_value = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_value = std::numeric_limits<float>::infinity();

using Mlp = Sequential<Input<4>, Dense<8>, BatchNorm<>, ReLU, Dense<3>>;
using Clf = Classifier<Mlp, SoftmaxCrossEntropy, Adam>;

std::vector<float> features(std::size_t n) {
    std::vector<float> x(n * 4);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>((i * 7) % 9) - 1.0f;
    return x;
}
std::vector<std::int32_t> classes(std::size_t n) {
    std::vector<std::int32_t> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<std::int32_t>(i % 3);
    return y;
}

data::Dataset dataset(std::size_t n) {
    const auto x = features(n);
    const auto y = classes(n);
    data::Dataset d;
    d.images = xt::adapt(x, std::array<std::size_t, 4>{n, 4, 1, 1});
    d.labels = xt::adapt(y, std::array<std::size_t, 1>{n});
    return d;
}

std::vector<float> params_of(const Clf& clf) {
    return {clf.model().parameters(), clf.model().parameters() + Mlp::param_count};
}
std::vector<float> state_of(const Clf& clf) {
    return {clf.model().state(), clf.model().state() + Clf::model_type::state_count};
}

bool all_finite(const float* p, std::size_t n) {
    return std::all_of(p, p + n, [](float v) { return std::isfinite(v); });
}

}  // namespace

TEST_SUITE_BEGIN("reliability");

TEST_CASE("reliability/non-finite: a NaN image stops training naming the step and the loss") {
    // Tanh carries the NaN through to the loss (a ReLU would zero it: see the next tests).
    using TanhMlp = Sequential<Input<4>, Dense<8>, Tanh, Dense<3>>;
    Classifier<TanhMlp, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 0.01f}, 1);
    auto x = features(8);
    const auto y = classes(8);
    clf.fit_batch(x.data(), y.data(), 8);
    clf.fit_batch(x.data(), y.data(), 8);
    const std::vector<float> params(clf.model().parameters(),
                                    clf.model().parameters() + TanhMlp::param_count);
    x[5] = nan_value;
    CHECK_THROWS_PARTS(NonFiniteError, clf.fit_batch(x.data(), y.data(), 8), "training step 3 (epoch 1)",
                       "loss is NaN");
    CHECK(std::equal(params.begin(), params.end(), clf.model().parameters()));  // no update was applied
}

TEST_CASE("reliability/non-finite: skip drops the step, restores BatchNorm statistics and counts it") {
    // The Inf makes BatchNorm's batch statistics NaN; ReLU zeroes the NaNs, so the loss is finite
    // but the gradients are not, and the running statistics would be NaN without the restore.
    Clf clf(Adam{.lr = 0.01f}, 1);
    clf.set_non_finite_policy(NonFinitePolicy::skip);
    auto x = features(8);
    const auto y = classes(8);
    clf.fit_batch(x.data(), y.data(), 8);
    const auto params = params_of(clf);
    const auto state = state_of(clf);
    x[2] = inf_value;
    clf.fit_batch(x.data(), y.data(), 8);
    CHECK(clf.skipped_steps() == 1);
    CHECK(clf.step() == 2);
    CHECK(same_bits(params_of(clf).data(), params.data(), params.size()));
    CHECK(same_bits(state_of(clf).data(), state.data(), state.size()));  // running stats not poisoned
    CHECK(clf.optimizer().steps() == 1);

    x[2] = 0.5f;
    CHECK(std::isfinite(clf.fit_batch(x.data(), y.data(), 8)));
    CHECK(clf.skipped_steps() == 1);
    CHECK(params_of(clf) != params);
    CHECK(all_finite(clf.model().state(), Clf::model_type::state_count));
}

TEST_CASE("reliability/non-finite: a NaN gradient under a finite loss names the tensor") {
    // Input 0 is +Inf and every weight reading it is negative: ReLU turns -Inf into 0, so the
    // loss is finite, but dense1.weight's gradient for that input is 0 * Inf = NaN.
    using Net = Sequential<Input<2>, Dense<4>, ReLU, Dense<3>>;
    for (const auto policy : {NonFinitePolicy::stop, NonFinitePolicy::skip}) {
        Classifier<Net, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 0.01f}, 3);
        clf.set_non_finite_policy(policy);
        float* w = clf.model().parameters();  // dense1.weight is 4 x 2, row-major
        for (std::size_t j = 0; j < 4; ++j) w[j * 2] = -0.5f;
        const std::vector<float> x{inf_value, 1.0f, inf_value, -1.0f};
        const std::vector<std::int32_t> y{0, 2};
        const std::vector<float> before(w, w + Net::param_count);
        if (policy == NonFinitePolicy::stop) {
            CHECK_THROWS_PARTS(NonFiniteError, clf.fit_batch(x.data(), y.data(), 2), "training step 1",
                               "gradient of dense1.weight[0] = NaN is not finite");
        } else {
            CHECK(std::isfinite(clf.fit_batch(x.data(), y.data(), 2)));  // the loss itself was fine
            CHECK(clf.skipped_steps() == 1);
        }
        CHECK(std::equal(before.begin(), before.end(), clf.model().parameters()));
    }
}

TEST_CASE("reliability/non-finite: a huge learning rate blows up within a few steps and is caught") {
    Clf clf(Adam{.lr = 1e30f}, 1);
    const auto x = features(8);
    const auto y = classes(8);
    std::string message;
    int steps = 0;
    try {
        for (; steps < 10; ++steps) clf.fit_batch(x.data(), y.data(), 8);
    } catch (const NonFiniteError& e) {
        message = e.what();
    }
    INFO(message);
    CHECK(steps < 10);
    CHECK(message.find("training step " + std::to_string(steps + 1) + " (epoch 1): ") != std::string::npos);
    CHECK((message.find("loss is") != std::string::npos || message.find("gradient of") != std::string::npos));
}

TEST_CASE("reliability/non-finite: the last good checkpoint is untouched when an epoch meets a NaN") {
    const auto dir = scratch_dir("non-finite-checkpoint");
    const auto path = dir / "model.safetensors";
    auto train = dataset(64);
    Clf clf(Adam{.lr = 0.01f}, 4);
    clf.fit_epoch(train, 16);
    io::save_checkpoint(path, clf.model(), {.epoch = clf.epoch(), .step = clf.step(), .extra = {}},
                        &clf.optimizer());
    const auto good = read_all(path);

    train.images(37, 2, 0, 0) = nan_value;  // one poisoned sample
    SUBCASE("stop: NonFiniteError, the loop never reaches its save") {
        std::string message;
        try {
            clf.fit_epoch(train, 16);
            io::save_checkpoint(path, clf.model(), {.epoch = clf.epoch(), .step = clf.step(), .extra = {}},
                                &clf.optimizer());
        } catch (const NonFiniteError& e) {
            message = e.what();
        }
        INFO(message);
        CHECK(message.find("(epoch 2): gradient of dense1.weight[") != std::string::npos);
        CHECK(read_all(path) == good);
        Clf reloaded(Adam{.lr = 0.01f}, 9);
        const auto info = io::load_checkpoint(path, reloaded.model(), &reloaded.optimizer());
        CHECK(info.epoch == 1);
        CHECK(info.step == 4);
        CHECK(std::distance(std::filesystem::directory_iterator(dir), {}) == 1);
    }
    SUBCASE("skip: the poisoned batch is skipped and counted, what is saved is finite") {
        clf.set_non_finite_policy(NonFinitePolicy::skip);
        const auto stats = clf.fit_epoch(train, 16);
        CHECK(stats.skipped_steps == 1);
        CHECK(std::isfinite(stats.loss));
        io::save_checkpoint(path, clf.model(), {.epoch = clf.epoch(), .step = clf.step(), .extra = {}},
                            &clf.optimizer());
        Clf reloaded(Adam{.lr = 0.01f}, 9);
        CHECK(io::load_checkpoint(path, reloaded.model(), &reloaded.optimizer()).epoch == 2);
        CHECK(all_finite(reloaded.model().parameters(), Mlp::param_count));
        CHECK(all_finite(reloaded.model().state(), Clf::model_type::state_count));
        CHECK(reloaded.optimizer().steps() == 7);  // 8 steps, one skipped
    }
    std::filesystem::remove_all(dir);
}

TEST_SUITE_END();
