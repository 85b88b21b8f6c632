// train/schedule.hpp: every schedule's rate at hand-computed points, fractional progress, the
// warm-up, and the text it describes itself with.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <ctnn/train/schedule.hpp>

#include "../fixtures/train/schedule_reference.hpp"

using ctnn::LrSchedule;

TEST_CASE("LrSchedule: constant, step, cosine and linear at hand-computed points") {
    CHECK(LrSchedule::constant().rate(0.01, std::size_t{7}) == 0.01);

    const auto step = LrSchedule::step(3, 0.3);
    CHECK(step.rate(1.0, std::size_t{0}) == 1.0);
    CHECK(step.rate(1.0, std::size_t{2}) == 1.0);
    CHECK(step.rate(1.0, std::size_t{3}) == doctest::Approx(0.3));
    CHECK(step.rate(1.0, std::size_t{8}) == doctest::Approx(0.09));
    CHECK(step.rate(1.0, 5.9) == doctest::Approx(0.3));  // floor of the epochs done

    const auto cosine = LrSchedule::cosine(10);
    CHECK(cosine.rate(2e-3, std::size_t{0}) == 2e-3);
    CHECK(cosine.rate(2e-3, std::size_t{5}) == doctest::Approx(1e-3));
    CHECK(cosine.rate(2e-3, std::size_t{10}) == doctest::Approx(0.0));
    CHECK(cosine.rate(2e-3, std::size_t{15}) == doctest::Approx(0.0));  // stays at min_lr after the end
    CHECK(LrSchedule::cosine(4, 1e-4).rate(1e-3, std::size_t{4}) == doctest::Approx(1e-4));
    CHECK(cosine.rate(1.0, 2.5) == doctest::Approx(0.5 * (1 + std::cos(3.141592653589793 * 0.25))));

    const auto linear = LrSchedule::linear(30);
    CHECK(linear.rate(2e-4, 0.0) == 2e-4);
    CHECK(linear.rate(2e-4, 15.0) == doctest::Approx(1e-4));
    CHECK(linear.rate(2e-4, 7.5) == doctest::Approx(1.5e-4));
    CHECK(linear.rate(2e-4, 30.0) == 0.0);
    CHECK(linear.rate(2e-4, 31.0) == 0.0);  // never negative
}

TEST_CASE("LrSchedule::exponential: base * gamma^epoch, stepped once an epoch") {
    const auto exponential = LrSchedule::exponential(0.9);
    CHECK(exponential.rate(0.5, std::size_t{0}) == 0.5);
    CHECK(exponential.rate(0.5, std::size_t{3}) == doctest::Approx(0.5 * 0.729));
    CHECK(exponential.rate(0.5, 2.7) == doctest::Approx(0.5 * 0.81));  // floor of the epochs done
}

TEST_CASE(
    "LrSchedule: step, exponential and cosine equal PyTorch's StepLR, ExponentialLR, CosineAnnealingLR") {
    namespace fx = ctnn::fixtures::schedules;
    double worst = 0;
    const auto compare = [&](const LrSchedule& schedule, const double* want, std::size_t epochs) {
        for (std::size_t e = 0; e < epochs; ++e) {
            const double error = std::abs(schedule.rate(1.0, e) - want[e]);
            worst = std::max(worst, error);
            CHECK_MESSAGE(error < 1e-12, schedule.describe() << " at epoch " << e);
        }
    };
    compare(LrSchedule::step(3, 0.7), fx::step_3_07, 12);
    compare(LrSchedule::step(1, 0.7), fx::step_1_07, 12);  // the PyTorch MNIST example's StepLR(gamma 0.7)
    compare(LrSchedule::exponential(0.9), fx::exponential_09, 12);
    // PyTorch's recursive cosine rises again after T_max; ctnn's stays at min_lr: compare up to T_max.
    compare(LrSchedule::cosine(10, 1e-4), fx::cosine_10, 11);
    MESSAGE("schedules: worst difference from PyTorch " << worst);
}

TEST_CASE("LrSchedule::with_warmup rises linearly from start_factor to the schedule's rate") {
    const auto warm = LrSchedule::constant().with_warmup(2, 0.1);
    CHECK(warm.rate(1.0, 0.0) == doctest::Approx(0.1));
    CHECK(warm.rate(1.0, 1.0) == doctest::Approx(0.55));
    CHECK(warm.rate(1.0, 2.0) == 1.0);
    CHECK(warm.rate(1.0, std::size_t{5}) == 1.0);
    const auto warm_cosine = LrSchedule::cosine(10).with_warmup(1, 0.5);
    CHECK(warm_cosine.rate(1.0, 0.5) ==
          doctest::Approx(0.75 * 0.5 * (1 + std::cos(3.141592653589793 * 0.05))));
}

TEST_CASE("LrSchedule::describe") {
    CHECK(LrSchedule::constant().describe() == "constant");
    CHECK(LrSchedule::step(3, 0.3).describe() == "step(3, 0.3)");
    CHECK(LrSchedule::cosine(10).describe() == "cosine(10)");
    CHECK(LrSchedule::exponential(0.9).describe() == "exponential(0.9)");
    CHECK(LrSchedule::linear(30).with_warmup(1).describe() == "warmup(1) then linear(30)");
}
