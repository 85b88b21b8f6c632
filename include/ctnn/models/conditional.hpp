// Conditional GANs for 28x28 digits (train them with ConditionalGan<G, D, Classes>): G sees the
// latent and the digit as a one-hot (Input<Latent + Classes>), D the image and the digit.
// ConditionalMlpGenerator<Latent, Classes>: MlpGeneratorBN on (Latent + Classes) -> (1, 28, 28).
// ConditionalMlpDiscriminator<Classes>: the flat image and the one-hot, (784 + Classes) ->
//   1024 -> 512 -> 256 -> 1, LeakyReLU(0.2) (MlpDiscriminator's widths).
// ConditionalDcganGenerator<Latent, Classes>: DcganGenerator on (Latent + Classes).
// ConditionalDcganDiscriminator<Classes>: DcganDiscriminator on the image and one constant plane
//   per class, (1 + Classes, 28, 28) -> (64, 14, 14) -> (128, 7, 7) -> 1.
#pragma once

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/batch_norm.hpp"
#include "ctnn/layers/conv.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/models/dcgan.hpp"
#include "ctnn/models/gan.hpp"
#include "ctnn/nn/sequential.hpp"

namespace ctnn::models {

// clang-format off
template <std::size_t Latent = 100, std::size_t Classes = 10>
using ConditionalMlpGenerator = MlpGeneratorBN<Latent + Classes>;

template <std::size_t Classes = 10>
using ConditionalMlpDiscriminator = Sequential<Input<DigitShape::size + Classes>,
                                               Dense<1024>, LeakyReLU<0.2f>,
                                               Dense<512>, LeakyReLU<0.2f>,
                                               Dense<256>, LeakyReLU<0.2f>,
                                               Dense<1>>;

template <std::size_t Latent = 100, std::size_t Classes = 10>
using ConditionalDcganGenerator = DcganGenerator<Latent + Classes>;

template <std::size_t Classes = 10>
using ConditionalDcganDiscriminator = Sequential<Input<1 + Classes, 28, 28>,
                                                 Conv<64, 4, 2, 1>, LeakyReLU<0.2f>,
                                                 Conv<128, 4, 2, 1>, BatchNorm<>, LeakyReLU<0.2f>,
                                                 Flatten, Dense<1>>;
// clang-format on

static_assert(ConditionalDcganDiscriminator<10>::param_count ==
              DcganDiscriminator::param_count + 10 * 64 * 16);
static_assert(ConditionalMlpDiscriminator<10>::param_count == MlpDiscriminator::param_count + 10 * 1024);

}  // namespace ctnn::models
