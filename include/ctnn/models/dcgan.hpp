// DCGAN for 28x28 digits (Radford et al. 2015, scaled to MNIST).
// DcganGenerator<Latent>: z (Latent) -> Dense 128*7*7 -> Reshape (128, 7, 7), BN, ReLU
//   -> ConvTranspose 64 k4 s2 p1 (64, 14, 14), BN, ReLU -> ConvTranspose 1 k4 s2 p1 (1, 28, 28), Tanh.
// DcganGeneratorWide<Latent>: the same with twice the channels, (256, 7, 7) -> (128, 14, 14)
//   -> (1, 28, 28), as in TensorFlow's DCGAN tutorial: about 4x the generator's FLOPs.
// DcganDiscriminator: (1, 28, 28) -> Conv 64 k4 s2 p1 (64, 14, 14), LeakyReLU(0.2)
//   -> Conv 128 k4 s2 p1 (128, 7, 7), BN, LeakyReLU(0.2) -> Flatten -> Dense 1 (a logit).
// DcganDiscriminatorWide: the same with twice the channels, (128, 14, 14) -> (256, 7, 7) -> 1:
//   about 4x the discriminator's FLOPs.
// DcganDiscriminatorMbstd: DcganDiscriminator with a minibatch-stddev channel after the first block,
//   (64, 14, 14) -> (65, 14, 14), so the second convolution sees how varied each group of 4 is.
// DcganDiscriminatorSn: DcganDiscriminator with SpectralNorm on every Conv and Dense and no
//   BatchNorm (Miyato et al. 2018): for the hinge loss, and samples stay independent, so the
//   critic of a gradient penalty may be it too.
#pragma once

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/batch_norm.hpp"
#include "ctnn/layers/conv.hpp"
#include "ctnn/layers/conv_transpose.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/reshape.hpp"
#include "ctnn/layers/spectral_norm.hpp"
#include "ctnn/models/gan.hpp"
#include "ctnn/nn/sequential.hpp"

namespace ctnn::models {

// One line per block of layers, as the architecture reads:
// clang-format off

// Dense + Reshape instead of ConvTranspose<128, 7> on a (Latent, 1, 1) input: the same map
// (a 1x1 input touches every output pixel once), with a bias per pixel, as one GEMM.
template <std::size_t Latent = 100>
using DcganGenerator = Sequential<Input<Latent>,
                                  Dense<128 * 7 * 7>, Reshape<128, 7, 7>, BatchNorm<>, ReLU,
                                  ConvTranspose<64, 4, 2, 1>, BatchNorm<>, ReLU,
                                  ConvTranspose<1, 4, 2, 1>, Tanh>;

template <std::size_t Latent = 100>
using DcganGeneratorWide = Sequential<Input<Latent>,
                                      Dense<256 * 7 * 7>, Reshape<256, 7, 7>, BatchNorm<>, ReLU,
                                      ConvTranspose<128, 4, 2, 1>, BatchNorm<>, ReLU,
                                      ConvTranspose<1, 4, 2, 1>, Tanh>;

using DcganDiscriminator = Sequential<Input<1, 28, 28>,
                                      Conv<64, 4, 2, 1>, LeakyReLU<0.2f>,
                                      Conv<128, 4, 2, 1>, BatchNorm<>, LeakyReLU<0.2f>,
                                      Flatten, Dense<1>>;

using DcganDiscriminatorWide = Sequential<Input<1, 28, 28>,
                                          Conv<128, 4, 2, 1>, LeakyReLU<0.2f>,
                                          Conv<256, 4, 2, 1>, BatchNorm<>, LeakyReLU<0.2f>,
                                          Flatten, Dense<1>>;

using DcganDiscriminatorMbstd = Sequential<Input<1, 28, 28>,
                                           Conv<64, 4, 2, 1>, LeakyReLU<0.2f>, MinibatchStddev<4>,
                                           Conv<128, 4, 2, 1>, BatchNorm<>, LeakyReLU<0.2f>,
                                           Flatten, Dense<1>>;

using DcganDiscriminatorSn = Sequential<Input<1, 28, 28>,
                                        SpectralNorm<Conv<64, 4, 2, 1>>, LeakyReLU<0.2f>,
                                        SpectralNorm<Conv<128, 4, 2, 1>>, LeakyReLU<0.2f>,
                                        Flatten, SpectralNorm<Dense<1>>>;

static_assert(std::is_same_v<DcganGenerator<>::output_shape, DigitShape>);
static_assert(std::is_same_v<DcganGeneratorWide<>::output_shape, DigitShape>);
// clang-format on

static_assert(std::is_same_v<DcganDiscriminator::output_shape, Shape<1>>);
static_assert(DcganGenerator<100>::param_count == 766'017);
static_assert(DcganGeneratorWide<100>::param_count == 1'794'177);
static_assert(DcganDiscriminator::param_count == 138'817);
static_assert(DcganDiscriminatorWide::param_count == 539'777);
static_assert(DcganDiscriminatorSn::param_count ==
              DcganDiscriminator::param_count - 2 * 128);  // no BatchNorm
static_assert(DcganDiscriminatorMbstd::param_count == DcganDiscriminator::param_count + 128 * 4 * 4);

}  // namespace ctnn::models
