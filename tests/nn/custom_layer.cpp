// A user's own layers, written only against the public contract of docs/writing-a-layer.md:
// an activation through Activation<Op>, and a layer with parameters (a per-feature scale and
// shift) from ParamSpec, the Layer concept and backend ops (B::for_each with a CTNN_HD
// functor, B::sum_rows). Both pass the finite-difference check and train inside a Classifier.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "../support/gradcheck.hpp"

namespace user {

// swish(x) = x sigmoid(x); d/dx = s + x s (1 - s).
struct SwishOp {
    static constexpr std::string_view kind = "swish";
    static std::string name() { return "Swish"; }
    template <class T>
    CTNN_HD static T forward(T x) {
        return x / (T(1) + std::exp(-x));
    }
    template <class T>
    CTNN_HD static T derivative(T x, T) {
        const T s = T(1) / (T(1) + std::exp(-x));
        return s + x * s * (T(1) - s);
    }
};
using Swish = ctnn::Activation<SwishOp>;

// y[n, f] = scale[f] x[n, f] + shift[f] on a flat input (F).
struct ScaleShift {
    template <class In>
    struct bind {
        static_assert(In::rank == 1, "ScaleShift: input must be flat (Shape<F>)");
        static constexpr std::size_t F = In::size;
        using in_shape = In;
        using out_shape = In;
        static constexpr std::string_view kind = "scaleshift";
        static constexpr std::array<ctnn::ParamSpec, 2> params{{
            {"scale", {F}, 1, ctnn::InitRole::ones, 1, 1},
            {"shift", {F}, 1, ctnn::InitRole::zeros, 1, 1},
        }};
        static constexpr std::size_t param_count = ctnn::total_count(params);
        static constexpr std::size_t flops = F;
        static std::string name() { return "ScaleShift"; }

        template <class T>
        struct Forward {  // element i of (N, F)
            const T *x, *scale, *shift;
            T* y;
            CTNN_HD void operator()(std::size_t i) const { y[i] = scale[i % F] * x[i] + shift[i % F]; }
        };
        template <class T>
        struct Backward {  // dx and the per-element products whose column sums are dscale
            const T *x, *dy, *scale;
            T *dx, *products;
            CTNN_HD void operator()(std::size_t i) const {
                if (dx) dx[i] = scale[i % F] * dy[i];
                products[i] = x[i] * dy[i];
            }
        };

        template <class B>
        class impl {
          public:
            using T = typename B::value_type;
            void bind_parameters(T* params, T* grads) {
                m_scale = params, m_shift = params + F, m_dscale = grads, m_dshift = grads + F;
            }
            void forward(const T* in, T* out, std::size_t batch, ctnn::Mode) {
                B::for_each(batch * F, Forward<T>{in, m_scale, m_shift, out});
            }
            void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
                if (batch > m_capacity) m_products = B::template allocate<T>(batch * F), m_capacity = batch;
                B::for_each(batch * F, Backward<T>{in, dout, m_scale, dinp, m_products.data()});
                B::sum_rows(m_products.data(), m_dscale, batch, F);  // dscale[f] += sum_n x dy
                B::sum_rows(dout, m_dshift, batch, F);               // dshift[f] += sum_n dy
            }

          private:
            T *m_scale = nullptr, *m_shift = nullptr, *m_dscale = nullptr, *m_dshift = nullptr;
            typename B::template buffer<T> m_products;
            std::size_t m_capacity = 0;
        };
    };
};

}  // namespace user

static_assert(ctnn::Layer<user::Swish, ctnn::Shape<5>>);
static_assert(ctnn::Layer<user::ScaleShift, ctnn::Shape<5>>);

TEST_CASE("custom layers: an Activation<Op> and a parameterized layer pass the finite-difference check") {
    CHECK(ctnn::testing::check_layer_gradients<user::Swish, ctnn::Shape<7>>() < 1e-6);
    CHECK(ctnn::testing::check_layer_gradients<user::ScaleShift, ctnn::Shape<6>>() < 1e-6);
}

TEST_CASE("custom layers: a Classifier trains a network built from them") {
    using Net =
        ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<16>, user::Swish, user::ScaleShift, ctnn::Dense<2>>;
    CHECK(ctnn::summary<Net>().find("ScaleShift") != std::string::npos);
    ctnn::Classifier<Net, ctnn::SoftmaxCrossEntropy, ctnn::Adam> classifier(ctnn::Adam{.lr = 1e-2f}, 3);
    std::vector<float> x(64 * 4);
    std::vector<std::int32_t> y(64);
    ctnn::Rng rng(4);
    for (std::size_t i = 0; i < 64; ++i) {
        for (std::size_t f = 0; f < 4; ++f) x[i * 4 + f] = static_cast<float>(rng.uniform(-1.0, 1.0));
        y[i] = x[i * 4] + x[i * 4 + 1] > 0 ? 1 : 0;  // a linear rule
    }
    const double first = classifier.fit_batch(x.data(), y.data(), 64);
    double last = first;
    for (int step = 0; step < 200; ++step) last = classifier.fit_batch(x.data(), y.data(), 64);
    MESSAGE("loss " << first << " -> " << last);
    CHECK(last < 0.3 * first);
}

TEST_CASE("Classifier::predict: one sample's class and softmax probabilities, as predict over a data set") {
    using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<3>>;
    ctnn::Classifier<Net, ctnn::SoftmaxCrossEntropy, ctnn::Adam> classifier(ctnn::Adam{}, 5);
    const float sample[] = {0.5f, -1.0f, 2.0f, 0.25f};
    const auto p = classifier.predict(sample);
    double total = 0;
    for (const float v : p.probabilities) total += v;
    CHECK(total == doctest::Approx(1.0));
    CHECK(p.probabilities[std::size_t(p.label)] ==
          *std::max_element(p.probabilities.begin(), p.probabilities.end()));
    ctnn::data::Dataset one;
    one.images = xt::xtensor<float, 4>::from_shape({1, 4, 1, 1});
    one.labels = xt::xtensor<std::int32_t, 1>::from_shape({1});
    std::copy(std::begin(sample), std::end(sample), one.images.data());
    one.labels(0) = 0;
    std::vector<std::int32_t> labels;
    std::vector<float> confidence;
    classifier.predict(one, labels, confidence);
    CHECK(labels[0] == p.label);
    CHECK(confidence[0] == doctest::Approx(p.probabilities[std::size_t(p.label)]));
}
