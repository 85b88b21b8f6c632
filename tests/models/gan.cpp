// The GAN and DCGAN aliases of models/gan.hpp and models/dcgan.hpp: shapes, parameter counts
// (PyTorch's for the same modules), generators draw (1, 28, 28) images in [-1, 1] ending in
// Tanh, discriminators end in a Dense<1> logit.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace ctnn;
using namespace ctnn::models;

namespace {
template <class Net>
constexpr std::string_view last_kind() {
    return Net::template layer<Net::depth - 1>::kind;
}

// Runs a network (train mode: BatchNorm on batch statistics) on n seeded normal inputs.
template <class Net>
std::vector<float> run(std::size_t n, std::uint64_t seed) {
    Model<Net, cpu::Blas> model(seed);
    Rng rng(seed);
    std::vector<float> x(n * Net::input_shape::size);
    for (auto& v : x) v = static_cast<float>(rng.normal());
    const float* out = model.forward(x.data(), n);
    return {out, out + n * Net::output_shape::size};
}

template <class G>
void check_generator(std::size_t latent, std::size_t params) {
    INFO(G::fingerprint());
    CHECK(G::input_shape::size == latent);
    CHECK(std::is_same_v<typename G::output_shape, DigitShape>);
    CHECK(G::param_count == params);
    CHECK(last_kind<G>() == "tanh");
    const auto images = run<G>(4, 3);
    REQUIRE(images.size() == 4 * 784);
    const auto [lo, hi] = std::minmax_element(images.begin(), images.end());
    CHECK(*lo >= -1.0f);
    CHECK(*hi <= 1.0f);
    CHECK(*hi - *lo > 0.01f);
}

template <class D>
void check_discriminator(std::size_t params) {
    INFO(D::fingerprint());
    CHECK(std::is_same_v<typename D::input_shape, DigitShape>);
    CHECK(std::is_same_v<typename D::output_shape, Shape<1>>);
    CHECK(D::param_count == params);
    CHECK(last_kind<D>() == "dense");
    const auto logits = run<D>(5, 4);
    REQUIRE(logits.size() == 5);
    CHECK(std::all_of(logits.begin(), logits.end(), [](float v) { return std::isfinite(v); }));
}
}  // namespace

TEST_CASE("MLP GAN generators: latent -> (1, 28, 28) in [-1, 1], Tanh last, PyTorch's parameter counts") {
    check_generator<MlpGenerator<>>(100, 1'486'352);
    check_generator<MlpGenerator<64>>(64, 1'486'352 - 36 * 256);
    check_generator<MlpGeneratorBN<>>(100, 1'486'352 + 2 * (256 + 512 + 1024));
    check_generator<MlpGeneratorBNRelu<>>(128, 1'497'104);
    // The BN variants differ in their activation only.
    CHECK(MlpGeneratorBN<>::layer<2>::kind == "leakyrelu");
    CHECK(MlpGeneratorBNRelu<>::layer<2>::kind == "relu");
    CHECK(MlpGeneratorBN<>::layer<1>::kind == "batchnorm");
}

TEST_CASE("MLP GAN discriminators: (1, 28, 28) -> one logit") {
    check_discriminator<MlpDiscriminator>(1'460'225);
    check_discriminator<MlpDiscriminatorDropout>(566'273);
    CHECK(MlpDiscriminatorDropout::layer<3>::kind == "dropout");
    CHECK(MlpDiscriminatorDropout::layer<3>::name() == "Dropout<0.3>");
}

TEST_CASE("DCGAN: ConvTranspose generator 7 -> 14 -> 28, strided Conv discriminator 28 -> 14 -> 7") {
    check_generator<DcganGenerator<>>(100, 766'017);
    check_discriminator<DcganDiscriminator>(138'817);
    CHECK(std::is_same_v<DcganGenerator<>::layer<4>::out_shape, Shape<64, 14, 14>>);
    CHECK(std::is_same_v<DcganDiscriminator::layer<2>::out_shape, Shape<128, 7, 7>>);
}

TEST_CASE("DCGAN, wide generator: twice the channels, (256, 7, 7) -> (128, 14, 14) -> (1, 28, 28)") {
    // PyTorch: Linear(100, 12544) 1,266,944 + BatchNorm2d(256) 512 + ConvTranspose2d(256, 128, 4) 524,416
    // + BatchNorm2d(128) 256 + ConvTranspose2d(128, 1, 4) 2,049.
    check_generator<DcganGeneratorWide<>>(100, 1'794'177);
    CHECK(std::is_same_v<DcganGeneratorWide<>::layer<1>::out_shape, Shape<256, 7, 7>>);
    CHECK(std::is_same_v<DcganGeneratorWide<>::layer<4>::out_shape, Shape<128, 14, 14>>);
}

TEST_CASE("DCGAN, wide discriminator: twice the channels, (128, 14, 14) -> (256, 7, 7) -> one logit") {
    // PyTorch: Conv2d(1, 128, 4) 2,176 + Conv2d(128, 256, 4) 524,544 + BatchNorm2d(256) 512
    // + Linear(12544, 1) 12,545.
    check_discriminator<DcganDiscriminatorWide>(539'777);
    CHECK(std::is_same_v<DcganDiscriminatorWide::layer<0>::out_shape, Shape<128, 14, 14>>);
    CHECK(std::is_same_v<DcganDiscriminatorWide::layer<2>::out_shape, Shape<256, 7, 7>>);
}

TEST_CASE("GAN architectures have distinct fingerprints (checkpoints tell them apart)") {
    const std::vector<std::string> prints = {
        MlpGenerator<>::fingerprint(),       MlpGeneratorBN<>::fingerprint(),
        MlpGeneratorBNRelu<>::fingerprint(), MlpGenerator<128>::fingerprint(),
        DcganGenerator<>::fingerprint(),     DcganGeneratorWide<>::fingerprint()};
    for (std::size_t i = 0; i < prints.size(); ++i)
        for (std::size_t j = i + 1; j < prints.size(); ++j) CHECK(prints[i] != prints[j]);
}
