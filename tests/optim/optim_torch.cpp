// RMSprop, Adagrad and Adadelta against torch.optim (tests/fixtures/optim/optim_reference.hpp):
// four steps on seven parameters, the parameters and every state tensor compared after each step
// (float64 backend: to 1e-12; float backend: to 1e-5 relative). Also: they serve Classifier and
// OneOf and Gan (RMSprop is WGAN's optimizer), and their state round-trips through a checkpoint.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/gan.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "../fixtures/optim/optim_reference.hpp"

using namespace ctnn;
namespace fx = ctnn::fixtures::optim;

namespace {

template <class Case>
RMSprop rmsprop_config() {
    RMSprop c{.lr = Case::lr, .alpha = Case::alpha, .eps = Case::eps};
    if constexpr (requires { Case::weight_decay; }) c.weight_decay = Case::weight_decay;
    if constexpr (requires { Case::momentum; }) c.momentum = Case::momentum;
    if constexpr (requires { Case::centered; }) c.centered = Case::centered;
    return c;
}
template <class Case>
Adagrad adagrad_config() {
    Adagrad c{.lr = Case::lr};
    if constexpr (requires { Case::lr_decay; }) c.lr_decay = Case::lr_decay;
    if constexpr (requires { Case::weight_decay; }) c.weight_decay = Case::weight_decay;
    if constexpr (requires { Case::initial_accumulator_value; })
        c.initial_accumulator_value = Case::initial_accumulator_value;
    if constexpr (requires { Case::eps; }) c.eps = Case::eps;
    return c;
}
template <class Case>
Adadelta adadelta_config() {
    Adadelta c{.lr = Case::lr};
    if constexpr (requires { Case::rho; }) c.rho = Case::rho;
    if constexpr (requires { Case::eps; }) c.eps = Case::eps;
    if constexpr (requires { Case::weight_decay; }) c.weight_decay = Case::weight_decay;
    return c;
}

// The state array of the fixture named `name` (nullptr when the case has none of that name).
template <class Case>
const double* fixture_state(const std::string& name) {
    if constexpr (requires { Case::square_avg; })
        if (name == "square_avg") return Case::square_avg;
    if constexpr (requires { Case::momentum_buffer; })
        if (name == "momentum_buffer") return Case::momentum_buffer;
    if constexpr (requires { Case::grad_avg; })
        if (name == "grad_avg") return Case::grad_avg;
    if constexpr (requires { Case::sum; })
        if (name == "sum") return Case::sum;
    if constexpr (requires { Case::acc_delta; })
        if (name == "acc_delta") return Case::acc_delta;
    return nullptr;
}
template <class Case>
std::size_t fixture_state_count() {
    std::size_t count = 0;
    for (const char* name : {"square_avg", "momentum_buffer", "grad_avg", "sum", "acc_delta"})
        count += fixture_state<Case>(name) != nullptr;
    return count;
}

// |a - b| / max(1, |b|), the worst over the values.
inline double relative(double a, double b) {
    return std::abs(a - b) / std::max(1.0, std::abs(b));
}

// Runs the fixture's steps with Optimizer on backend B; returns the worst error of parameters and state.
template <class Case, class B, class Config>
double replay(const Config& config) {
    using T = typename B::value_type;
    typename Config::template impl<B> opt(config, fx::N);
    std::vector<T> p(Case::params, Case::params + fx::N), g(fx::N);
    auto state = opt.state_tensors();
    REQUIRE(state.size() == fixture_state_count<Case>());
    double worst = 0;
    for (std::size_t s = 0; s < fx::STEPS; ++s) {
        for (std::size_t i = 0; i < fx::N; ++i) g[i] = static_cast<T>(Case::grads[s * fx::N + i]);
        opt.step(p.data(), g.data());
        for (std::size_t i = 0; i < fx::N; ++i)
            worst = std::max(worst, relative(p[i], Case::after[s * fx::N + i]));
        for (auto& [name, buffer] : opt.state_tensors()) {
            const double* want = fixture_state<Case>(name);
            REQUIRE_MESSAGE(want != nullptr, "state " << name << " is not one PyTorch keeps");
            for (std::size_t i = 0; i < fx::N; ++i)
                worst = std::max(worst, relative(buffer->data()[i], want[s * fx::N + i]));
        }
    }
    CHECK(opt.steps() == fx::STEPS);
    return worst;
}

template <class Case, class Config>
void check_against_torch(const char* name, const Config& config) {
    const double error64 = replay<Case, cpu::Blas64>(config), error32 = replay<Case, cpu::Blas>(config);
    MESSAGE(std::string(name) << ": worst relative error against torch.optim " << error64 << " (float64), "
                              << error32 << " (float)");
    CHECK(error64 < 1e-12);
    CHECK(error32 < 1e-5);
}

std::filesystem::path scratch_dir() {
    auto dir = std::filesystem::temp_directory_path() / ("ctnn-optim-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("RMSprop equals torch.optim.RMSprop (plain, momentum, centered, all with weight decay)") {
    check_against_torch<fx::rmsprop_plain>("rmsprop_plain (RMSprop{})", RMSprop{});
    check_against_torch<fx::rmsprop_momentum>("rmsprop_momentum", rmsprop_config<fx::rmsprop_momentum>());
    check_against_torch<fx::rmsprop_centered>("rmsprop_centered", rmsprop_config<fx::rmsprop_centered>());
    check_against_torch<fx::rmsprop_all>("rmsprop_all", rmsprop_config<fx::rmsprop_all>());
}

TEST_CASE("Adagrad equals torch.optim.Adagrad (plain; lr_decay, weight decay, initial accumulator, eps)") {
    check_against_torch<fx::adagrad_plain>("adagrad_plain (Adagrad{.lr = 0.1f})", Adagrad{.lr = 0.1f});
    check_against_torch<fx::adagrad_all>("adagrad_all", adagrad_config<fx::adagrad_all>());
}

TEST_CASE("Adadelta equals torch.optim.Adadelta (lr 1.0 defaults; rho, eps, weight decay)") {
    CHECK(Adadelta{}.lr == 1.0f);
    CHECK(Adadelta{}.rho == 0.9f);
    CHECK(Adadelta{}.eps == 1e-6f);
    check_against_torch<fx::adadelta_plain>("adadelta_plain (Adadelta{})", Adadelta{});
    CHECK(adadelta_config<fx::adadelta_plain>().rho == Adadelta{}.rho);
    check_against_torch<fx::adadelta_all>("adadelta_all", adadelta_config<fx::adadelta_all>());
}

TEST_CASE("RMSprop, Adagrad and Adadelta train a Classifier and sit in a OneOf") {
    using Mlp = Sequential<Input<2>, Dense<16>, Tanh, Dense<2>>;
    const float x[] = {0.f, 0.f, 1.f, 1.f, 1.f, 0.f, 0.f, 1.f};
    const std::int32_t y[] = {0, 0, 1, 1};
    const auto falls = [&](auto& clf) {
        const double first = clf.fit_batch(x, y, 4);
        double last = first;
        for (int i = 0; i < 200; ++i) last = clf.fit_batch(x, y, 4);
        return last < first / 2;
    };
    Classifier<Mlp, SoftmaxCrossEntropy, RMSprop> rmsprop(RMSprop{.lr = 0.01f}, 3);
    Classifier<Mlp, SoftmaxCrossEntropy, Adagrad> adagrad(Adagrad{.lr = 0.1f}, 3);
    Classifier<Mlp, SoftmaxCrossEntropy, Adadelta> adadelta(Adadelta{}, 3);
    CHECK(falls(rmsprop));
    CHECK(falls(adagrad));
    CHECK(falls(adadelta));

    using Choice = OneOf<SGD, Adam, RMSprop, Adagrad, Adadelta>;
    Classifier<Mlp, SoftmaxCrossEntropy, Choice> chosen(Choice{Adadelta{}}, 3);
    CHECK(std::string(optimizer_name(chosen.optimizer())) == "adadelta");
    CHECK(chosen.optimizer().state_tensors().size() == 2);
    // The same steps as the plain Adadelta trainer.
    Classifier<Mlp, SoftmaxCrossEntropy, Adadelta> plain(Adadelta{}, 3);
    for (int i = 0; i < 5; ++i) CHECK(chosen.fit_batch(x, y, 4) == plain.fit_batch(x, y, 4));
}

TEST_CASE("RMSprop (centered, momentum), Adagrad and Adadelta state round-trips through a checkpoint") {
    using Net = Sequential<Input<4>, Dense<8>, Tanh, Dense<3>>;
    const auto round_trip = [](auto config, std::size_t tensors) {
        using Config = decltype(config);
        const auto path = scratch_dir() / (std::string(Config::name) + ".safetensors");
        Model<Net, cpu::Blas> model(1);
        typename Config::template impl<cpu::Blas> opt(config, Net::param_count);
        std::vector<float> x(8, 0.3f), d(6, 0.1f);
        for (int i = 0; i < 2; ++i) {
            model.zero_grad();
            model.forward(x.data(), 2);
            model.backward(d.data());
            opt.step(model.parameters(), model.gradients());
        }
        io::save_checkpoint(path, model, {.epoch = 1, .step = 2, .extra = {}}, &opt);
        Model<Net, cpu::Blas> loaded(7);
        typename Config::template impl<cpu::Blas> loaded_opt(config, Net::param_count);
        io::load_checkpoint(path, loaded, &loaded_opt);
        CHECK(loaded_opt.steps() == 2);
        auto a = opt.state_tensors(), b = loaded_opt.state_tensors();
        REQUIRE(a.size() == tensors);
        REQUIRE(b.size() == tensors);
        for (std::size_t k = 0; k < tensors; ++k) {
            INFO(Config::name << " " << a[k].first);
            CHECK(a[k].first == b[k].first);
            CHECK(std::equal(a[k].second->begin(), a[k].second->end(), b[k].second->begin()));
            CHECK(io::load_safetensors(path).contains("optimizer." + a[k].first + ".dense1.weight"));
        }
        // One more step from either side gives the same parameters.
        for (auto* m : {&model, &loaded}) {
            m->zero_grad();
            m->forward(x.data(), 2);
            m->backward(d.data());
        }
        opt.step(model.parameters(), model.gradients());
        loaded_opt.step(loaded.parameters(), loaded.gradients());
        CHECK(std::equal(model.parameters(), model.parameters() + Net::param_count, loaded.parameters()));
        // A different optimizer's state does not load.
        Adam::impl<cpu::Blas> adam(Adam{}, Net::param_count);
        CHECK_THROWS(io::load_checkpoint(path, loaded, &adam));
    };
    round_trip(RMSprop{.momentum = 0.9f, .centered = true}, 3);
    round_trip(Adagrad{.initial_accumulator_value = 0.1f}, 1);
    round_trip(Adadelta{}, 2);
}

TEST_CASE("Gan takes RMSprop, Adagrad and Adadelta for either network") {
    using G = Sequential<Input<4>, Dense<8>, ReLU, Dense<16>, Reshape<1, 4, 4>, Tanh>;
    using D = Sequential<Input<1, 4, 4>, Flatten, Dense<8>, LeakyReLU<0.2f>, Dense<1>>;
    Gan<G, D, Wasserstein, RMSprop, RMSprop> wgan(RMSprop{.lr = 5e-4f}, RMSprop{.lr = 5e-4f}, 2);
    Gan<G, D, BCEWithLogits, Adadelta, Adagrad> mixed(Adadelta{}, Adagrad{.lr = 0.05f}, 2);
    std::vector<float> images(8 * 16);
    for (std::size_t i = 0; i < images.size(); ++i) images[i] = float(i % 5) / 5.0f - 0.4f;
    for (int i = 0; i < 3; ++i) {
        const auto a = wgan.fit_batch(images.data(), 8), b = mixed.fit_batch(images.data(), 8);
        CHECK(std::isfinite(a.d_loss));
        CHECK(std::isfinite(b.d_loss));
        CHECK(std::isfinite(b.g_loss));
    }
}
