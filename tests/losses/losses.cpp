#include <algorithm>

#include <ctnn/losses/bce.hpp>
#include <ctnn/losses/mse.hpp>
#include <ctnn/losses/softmax_cross_entropy.hpp>

#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("SoftmaxCrossEntropy: hand-computed value and gradient") {
    SoftmaxCrossEntropy::bind<Shape<3>>::impl<cpu::Blas64> loss;
    const double logits[] = {1, 2, 3, 0, 0, 0};
    const std::int32_t targets[] = {2, 0};
    double grad[6];
    const double value = loss.compute(logits, targets, grad, 2);
    // sample 0: log(e^1+e^2+e^3) - 3 = 0.4076059; sample 1: log 3 = 1.0986123; mean.
    CHECK(value == doctest::Approx((0.4076059644 + 1.0986122887) / 2));
    CHECK(grad[0] == doctest::Approx(0.0900306 / 2));
    CHECK(grad[2] == doctest::Approx((0.6652410 - 1) / 2));
    CHECK(grad[3] == doctest::Approx((1.0 / 3 - 1) / 2));
}

TEST_CASE("SoftmaxCrossEntropy is stable with huge logits and honours Reduction::sum") {
    SoftmaxCrossEntropy::bind<Shape<2>>::impl<cpu::Blas> loss(
        SoftmaxCrossEntropy{.reduction = Reduction::sum});
    const float logits[] = {10000.0f, -10000.0f, 10000.0f, -10000.0f};
    const std::int32_t targets[] = {0, 1};
    float grad[4];
    const float value = loss.compute(logits, targets, grad, 2);
    CHECK(std::isfinite(value));
    CHECK(value == doctest::Approx(20000.0f));
    CHECK(grad[2] == doctest::Approx(1.0f));
    CHECK(grad[3] == doctest::Approx(-1.0f));
}

TEST_CASE("BCE and BCEWithLogits: hand-computed values") {
    BCE::bind<Shape<1>>::impl<cpu::Blas64> bce;
    const double p[] = {0.8, 0.3};
    const float t[] = {1.0f, 0.0f};
    double grad[2];
    CHECK(bce.compute(p, t, grad, 2) == doctest::Approx((-std::log(0.8) - std::log(0.7)) / 2));
    CHECK(grad[0] == doctest::Approx(-1.0 / 0.8 / 2));
    CHECK(grad[1] == doctest::Approx(1.0 / 0.7 / 2));

    BCEWithLogits::bind<Shape<1>>::impl<cpu::Blas64> logits_loss;
    const double x[] = {0.0, 2.0};
    CHECK(logits_loss.compute(x, t, grad, 2) ==
          doctest::Approx((std::log(2.0) + 2.0 + std::log1p(std::exp(-2.0))) / 2));
    CHECK(grad[0] == doctest::Approx(-0.25));
    CHECK(grad[1] == doctest::Approx((1 / (1 + std::exp(-2.0))) / 2));
}

TEST_CASE("BCEWithLogits is stable for huge logits; BCE clamps its logs") {
    BCEWithLogits::bind<Shape<1>>::impl<cpu::Blas> logits_loss;
    const float x[] = {1000.0f, -1000.0f};
    const float t[] = {0.0f, 1.0f};
    float grad[2];
    const float value = logits_loss.compute(x, t, grad, 2);
    CHECK(value == doctest::Approx(1000.0f));
    CHECK(grad[0] == doctest::Approx(0.5f));
    BCE::bind<Shape<1>>::impl<cpu::Blas> bce;
    const float p[] = {1.0f, 0.0f};  // confidently wrong: each log is clamped at -100
    CHECK(bce.compute(p, t, grad, 2) == doctest::Approx(100.0f));
    CHECK(std::isfinite(grad[0]));
}

TEST_CASE("MSE: hand-computed value and sum reduction") {
    MSE::bind<Shape<2>>::impl<cpu::Blas64> mse;
    const double y[] = {1, 2, 3, 4};
    const float t[] = {0, 2, 5, 4};
    double grad[4];
    CHECK(mse.compute(y, t, grad, 2) == doctest::Approx(5.0 / 4));
    CHECK(grad[0] == doctest::Approx(0.5));
    CHECK(grad[2] == doctest::Approx(-1.0));
    MSE::bind<Shape<2>>::impl<cpu::Blas64> summed(MSE{.reduction = Reduction::sum});
    CHECK(summed.compute(y, t, grad, 2) == doctest::Approx(5.0));
}

TEST_CASE("Losses: finite-difference gradients") {
    testing::check_loss_gradients<SoftmaxCrossEntropy, Shape<5>>({}, {0, 4, 2}, 3);
    testing::check_loss_gradients<BCE, Shape<1>>({}, {1.0f, 0.0f, 0.9f}, 3,
                                                 {.output_low = 0.05, .output_high = 0.95});
    testing::check_loss_gradients<BCEWithLogits, Shape<1>>({}, {1.0f, 0.0f, 0.1f}, 3);
    testing::check_loss_gradients<MSE, Shape<2>>({.reduction = Reduction::sum}, {1, 2, 3, 4}, 2);
}

TEST_CASE("Losses: compute_on_device leaves the loss in the caller's device scalar, as compute returns it") {
    SoftmaxCrossEntropy::bind<Shape<3>>::impl<cpu::Blas> loss;
    const float logits[] = {1, 2, 3, 0, 0, 0, -1, 4, 2};
    const std::int32_t targets[] = {2, 0, 1};
    float grad[9], grad_device[9];
    DeviceSums<cpu::Blas, 2> sums;
    sums.reserve(0);
    loss.compute_on_device(logits, targets, grad_device, 3, sums.slot(1));
    const float value = loss.compute(logits, targets, grad, 3);
    CHECK(sums.read()[1] == value);
    CHECK(sums.read()[0] == 0.0f);  // the other slot is untouched
    CHECK(std::equal(grad, grad + 9, grad_device));
    MSE::bind<Shape<3>>::impl<cpu::Blas> mse;
    const float t[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    mse.compute_on_device(logits, t, grad_device, 3, sums.slot(0));
    CHECK(sums.read()[0] == mse.compute(logits, t, grad, 3));
}
