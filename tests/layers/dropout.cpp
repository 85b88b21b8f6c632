#include <ctnn/layers/dropout.hpp>

#include <vector>

#include "../support/gradcheck.hpp"

using namespace ctnn;

namespace {
template <class M>
std::vector<float> run(M& model, const std::vector<float>& x, std::size_t batch) {
    const float* y = model.forward(x.data(), batch);
    return std::vector<float>(y, y + x.size());
}
}  // namespace

TEST_CASE("Dropout: shape, name, no parameters") {
    using L = Dropout<0.3f>::bind<Shape<2, 3>>;
    static_assert(std::is_same_v<L::out_shape, Shape<2, 3>>);
    static_assert(L::param_count == 0);
    CHECK(L::name() == "Dropout<0.3>");
    CHECK(Dropout<>::bind<Shape<4>>::name() == "Dropout<0.5>");
}

TEST_CASE("Dropout: train mode drops about P of the elements and scales the survivors") {
    using Net = Sequential<Input<1000>, Dropout<0.3f>>;
    Model<Net, cpu::Blas> model(1);
    std::vector<float> x(10 * 1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1.0f + static_cast<float>(i % 17);
    const auto y = run(model, x, 10);
    std::size_t zeros = 0, badly_scaled = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (y[i] == 0.0f)
            ++zeros;
        else
            badly_scaled += y[i] != doctest::Approx(x[i] / 0.7f);
    }
    CHECK(badly_scaled == 0);
    // 10,000 draws: the standard deviation of the fraction is 0.0046.
    CHECK(static_cast<double>(zeros) / 10000 == doctest::Approx(0.3).epsilon(0.02 / 0.3));

    // Every train-mode forward draws a new mask.
    CHECK(run(model, x, 10) != y);
}

TEST_CASE("Dropout: eval mode is the identity, and so is P = 0") {
    std::vector<float> x(4 * 50);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>(i) - 7;
    Model<Sequential<Input<50>, Dropout<0.6f>>, cpu::Blas> model(3);
    model.eval();
    CHECK(run(model, x, 4) == x);
    Model<Sequential<Input<50>, Dropout<0.0f>>, cpu::Blas> keep_all(3);
    CHECK(run(keep_all, x, 4) == x);
}

TEST_CASE("Dropout: the mask is fixed by the model seed") {
    using Net = Sequential<Input<256>, Dropout<0.5f>>;
    const std::vector<float> x(2 * 256, 1.0f);
    Model<Net, cpu::Blas> a(42), b(42), c(43);
    const auto first = run(a, x, 2);
    CHECK(run(b, x, 2) == first);
    CHECK(run(c, x, 2) != first);
    // The sequence of masks repeats too, and set_counter replays one.
    const auto second = run(a, x, 2);
    CHECK(run(b, x, 2) == second);
    CHECK(a.layer<0>().counter() == 2);
    a.layer<0>().set_counter(0);
    CHECK(run(a, x, 2) == first);
}

TEST_CASE("Dropout: two layers of one model draw different masks") {
    using Net = Sequential<Input<1000>, Dropout<0.5f>, Dropout<0.5f>>;
    Model<Net, cpu::Blas> model(5);
    const std::vector<float> x(1000, 1.0f);
    const float* y = model.forward(x.data(), 1);
    const float* hidden = model.layer_output<0>();
    std::size_t kept_first = 0, kept_both = 0;
    for (std::size_t i = 0; i < 1000; ++i) {
        kept_first += hidden[i] != 0.0f;
        kept_both += y[i] != 0.0f;
    }
    // Identical masks would keep the same ~500; independent ones keep ~250.
    CHECK(kept_both < kept_first * 3 / 4);
    CHECK(kept_both > kept_first / 4);
}

// The generic checker runs forward many times and each train-mode forward draws a new mask,
// so it cannot be used as is. For a fixed mask Dropout is linear, and its exact gradient is
// dout * mask / (1 - P): check backward against the mask the forward used, then check it by
// central differences with every forward replaying the same mask through set_counter.
TEST_CASE("Dropout: gradient is dout * mask / (1 - P) for the forward's mask") {
    using Net = Sequential<Input<4, 5>, Dropout<0.4f>>;
    Model<Net, cpu::Blas64> model(9);
    constexpr std::size_t batch = 3, n = batch * 20;
    Rng rng(2);
    std::vector<double> x(n), r(n), dinp(n);
    for (auto& v : x) v = rng.uniform(0.5, 1.5) * (rng.uniform01() < 0.5 ? -1 : 1);  // never zero
    for (auto& v : r) v = rng.uniform(-1, 1);

    const double* y = model.forward(x.data(), batch);
    model.backward(r.data(), dinp.data());
    const double scale = 1.0 / (1.0 - static_cast<double>(0.4f));  // what the layer multiplies by
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool kept = y[i] != 0.0;
        dropped += !kept;
        CHECK(dinp[i] == (kept ? r[i] * scale : 0.0));
        if (kept) CHECK(y[i] == x[i] * scale);
    }
    CHECK(dropped > 0);
    CHECK(dropped < n);

    auto objective = [&] {
        model.layer<0>().set_counter(0);  // the mask of the first forward, every time
        const double* out = model.forward(x.data(), batch);
        double total = 0;
        for (std::size_t i = 0; i < n; ++i) total += out[i] * r[i];
        return total;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const double saved = x[i];
        x[i] = saved + 1e-6;
        const double plus = objective();
        x[i] = saved - 1e-6;
        const double minus = objective();
        x[i] = saved;
        CHECK(testing::relative_error(dinp[i], (plus - minus) / 2e-6) < 1e-6);
    }
}

TEST_CASE("Dropout: finite-difference gradients where the mask is fixed (eval mode, P = 0)") {
    CHECK(testing::check_layer_gradients<Dropout<0.3f>, Shape<2, 3, 3>>({.mode = Mode::eval}) < 1e-6);
    CHECK(testing::check_layer_gradients<Dropout<0.0f>, Shape<7>>() < 1e-6);
}

TEST_CASE("Dropout: the mask hash is a platform-independent constant") {
    // SplitMix64 of 0 is the first output of SplitMix64 seeded with 0 (Vigna's reference).
    static_assert(detail::dropout_hash(0) == 0xE220A8397B1DCDAFull);
    static_assert(Dropout<0.5f>::bind<Shape<1>>::threshold == 0x80000000ull);
    static_assert(Dropout<0.0f>::bind<Shape<1>>::threshold == 0);
}
