// Exact resume: training 2 epochs gives bitwise the same weights, BatchNorm statistics, Dropout
// counters and optimizer state as training 1 epoch, saving a checkpoint, loading it into a new
// Classifier and training 1 more (same seed, 1 thread). The network has BatchNorm and two
// Dropouts, so the masks' counters must round-trip; a control shows that without them it diverges.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/classifier.hpp>

#include "helpers.hpp"

using namespace ctnn;
using ctnn::reliability::same_bits;
using ctnn::reliability::scratch_dir;

namespace {

using Net = Sequential<Input<3, 2, 2>, Flatten, Dense<16>, BatchNorm<>, ReLU, Dropout<0.3f>, Dense<16>, ReLU,
                       Dropout<0.2f>, Dense<4>>;

// 200 samples of 3 x 2 x 2 in 4 classes: the class shifts the mean, so there is something to learn.
data::Dataset make_data() {
    Rng rng(2024);
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({200, 3, 2, 2});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({200});
    for (std::size_t i = 0; i < 200; ++i) {
        d.labels(i) = static_cast<std::int32_t>(rng.below(4));
        for (std::size_t k = 0; k < 12; ++k)
            d.images.data()[i * 12 + k] =
                static_cast<float>(rng.normal() + (k % 4 == std::size_t(d.labels(i)) ? 1.5 : 0.0));
    }
    return d;
}

template <class Opt>
using Clf = Classifier<Net, SoftmaxCrossEntropy, Opt>;

template <class Opt>
void train_epoch(Clf<Opt>& clf, const data::Dataset& d) {
    clf.fit_epoch(d, /*batch=*/32);  // 6 full batches and a short one of 8
    (void)clf.evaluate(d, 64);       // as the examples do between epochs: eval mode changes nothing
}

template <class Opt>
bool same_optimizer_state(Clf<Opt>& a, Clf<Opt>& b) {
    auto sa = a.optimizer().state_tensors(), sb = b.optimizer().state_tensors();
    if (sa.size() != sb.size() || a.optimizer().steps() != b.optimizer().steps()) return false;
    for (std::size_t k = 0; k < sa.size(); ++k)
        if (!same_bits(sa[k].second->data(), sb[k].second->data(), Net::param_count)) return false;
    return true;
}

template <class Opt>
void check_exact_resume(Opt opt, LrSchedule schedule, const std::string& name) {
    using M = Model<Net, cpu::Blas>;
    set_num_threads(1);
    const data::Dataset d = make_data();
    const auto dir = scratch_dir("resume-" + name);
    const auto path = dir / "model.safetensors";
    const std::uint64_t seed = 7;

    Clf<Opt> straight(opt, seed);
    straight.set_schedule(schedule);
    train_epoch(straight, d);
    train_epoch(straight, d);

    {
        Clf<Opt> first(opt, seed);
        first.set_schedule(schedule);
        train_epoch(first, d);
        io::save_checkpoint(path, first.model(), {.epoch = first.epoch(), .step = first.step(), .extra = {}},
                            &first.optimizer());
    }
    Clf<Opt> resumed(opt, seed);
    resumed.set_schedule(schedule);
    const auto info = io::load_checkpoint(path, resumed.model(), &resumed.optimizer());
    CHECK(info.epoch == 1);
    CHECK(info.step == 7);
    resumed.set_epoch(info.epoch);
    resumed.set_step(info.step);
    train_epoch(resumed, d);

    CHECK(resumed.epoch() == straight.epoch());
    CHECK(resumed.step() == straight.step());
    CHECK(straight.model().counters() == std::vector<std::uint64_t>{14, 14});  // 7 train forwards per epoch
    CHECK(resumed.model().counters() == straight.model().counters());
    CHECK(same_bits(resumed.model().parameters(), straight.model().parameters(), M::param_count));
    CHECK(same_bits(resumed.model().state(), straight.model().state(), M::state_count));
    CHECK(same_optimizer_state(resumed, straight));

    // Control: the same resume with the Dropout counters reset (what a checkpoint without them
    // gave) draws other masks and ends elsewhere, so the check above depends on them.
    Clf<Opt> forgetful(opt, seed);
    forgetful.set_schedule(schedule);
    const auto again = io::load_checkpoint(path, forgetful.model(), &forgetful.optimizer());
    forgetful.set_epoch(again.epoch);
    forgetful.set_step(again.step);
    const std::vector<std::uint64_t> zeros(M::counter_names().size(), 0);
    forgetful.model().set_counters(zeros);
    train_epoch(forgetful, d);
    CHECK_FALSE(same_bits(forgetful.model().parameters(), straight.model().parameters(), M::param_count));
    std::filesystem::remove_all(dir);
}

}  // namespace

TEST_SUITE_BEGIN("reliability");

TEST_CASE("reliability/exact resume: Adam + cosine schedule, MLP with BatchNorm and Dropout, bitwise") {
    check_exact_resume(Adam{.lr = 0.01f}, LrSchedule::cosine(2), "adam");
}

TEST_CASE("reliability/exact resume: SGD with momentum + step schedule, bitwise") {
    check_exact_resume(SGD{.lr = 0.05f, .momentum = 0.9f}, LrSchedule::step(1, 0.5), "sgd");
}

TEST_SUITE_END();
