// MLP GAN generators and discriminators for 28x28 digits (the seed notebooks' models).
// Generators: latent z (Latent) -> image (1, 28, 28) in [-1, 1] (Tanh last), to match
// data::Normalize::symmetric. Discriminators: image (1, 28, 28) -> one logit (Dense<1>, no
// Sigmoid: train them with BCEWithLogits). Every width is the seeds'; Latent is a parameter.
// MlpDiscriminatorMbstd adds a minibatch-stddev feature (not in the seeds) against mode collapse.
#pragma once

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/batch_norm.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/dropout.hpp"
#include "ctnn/layers/minibatch_stddev.hpp"
#include "ctnn/layers/reshape.hpp"
#include "ctnn/nn/sequential.hpp"

namespace ctnn::models {

// One line per block of layers, as the architecture reads:
// clang-format off

// The image every GAN of models/ draws and judges: one 28x28 gray channel.
using DigitShape = Shape<1, 28, 28>;

// "Model 1" of seed 002: 256-512-1024-784, ReLU, Tanh.
template <std::size_t Latent = 100>
using MlpGenerator = Sequential<Input<Latent>,
                                Dense<256>, ReLU,
                                Dense<512>, ReLU,
                                Dense<1024>, ReLU,
                                Dense<784>, Reshape<1, 28, 28>, Tanh>;

// "Model 2" of seed 002: the same widths with BatchNorm + LeakyReLU(0.2).
template <std::size_t Latent = 100>
using MlpGeneratorBN = Sequential<Input<Latent>,
                                  Dense<256>, BatchNorm<>, LeakyReLU<0.2f>,
                                  Dense<512>, BatchNorm<>, LeakyReLU<0.2f>,
                                  Dense<1024>, BatchNorm<>, LeakyReLU<0.2f>,
                                  Dense<784>, Reshape<1, 28, 28>, Tanh>;

// Seed 001: Linear + BatchNorm + ReLU at 256, 512, 1024, then 784 Tanh; latent 128.
template <std::size_t Latent = 128>
using MlpGeneratorBNRelu = Sequential<Input<Latent>,
                                      Dense<256>, BatchNorm<>, ReLU,
                                      Dense<512>, BatchNorm<>, ReLU,
                                      Dense<1024>, BatchNorm<>, ReLU,
                                      Dense<784>, Reshape<1, 28, 28>, Tanh>;

// Seed 002's discriminator: 784-1024-512-256-1, LeakyReLU(0.2).
using MlpDiscriminator = Sequential<Input<1, 28, 28>, Flatten,
                                    Dense<1024>, LeakyReLU<0.2f>,
                                    Dense<512>, LeakyReLU<0.2f>,
                                    Dense<256>, LeakyReLU<0.2f>,
                                    Dense<1>>;

// Seed 001's discriminator: 784-512-256-128-1, LeakyReLU(0.2) and Dropout(0.3).
using MlpDiscriminatorDropout = Sequential<Input<1, 28, 28>, Flatten,
                                           Dense<512>, LeakyReLU<0.2f>, Dropout<0.3f>,
                                           Dense<256>, LeakyReLU<0.2f>, Dropout<0.3f>,
                                           Dense<128>, LeakyReLU<0.2f>, Dropout<0.3f>,
                                           Dense<1>>;

// MlpDiscriminator with a minibatch-stddev feature before its last hidden layer (ProGAN): the
// 256 units see how varied each group of 4 inputs is, so a collapsed G is easy to tell.
using MlpDiscriminatorMbstd = Sequential<Input<1, 28, 28>, Flatten,
                                         Dense<1024>, LeakyReLU<0.2f>,
                                         Dense<512>, LeakyReLU<0.2f>, MinibatchStddev<4>,
                                         Dense<256>, LeakyReLU<0.2f>,
                                         Dense<1>>;

static_assert(std::is_same_v<MlpGenerator<>::output_shape, DigitShape>);
// clang-format on

static_assert(std::is_same_v<MlpDiscriminator::output_shape, Shape<1>>);
static_assert(MlpGenerator<100>::param_count == 1'486'352);
static_assert(MlpDiscriminator::param_count == 1'460'225);
static_assert(MlpDiscriminatorDropout::param_count == 566'273);
static_assert(MlpDiscriminatorMbstd::param_count == MlpDiscriminator::param_count + 256);

}  // namespace ctnn::models
