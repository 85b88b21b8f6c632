// expect: Gradient penalty: the critic holds BatchNorm
// WGAN-GP's penalty is per sample; a BatchNorm critic mixes the samples of a batch, so
// Gan<..., WassersteinGP> refuses it at compile time, naming BatchNorm.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/gan.hpp>
using G = ctnn::Sequential<ctnn::Input<8>, ctnn::Dense<16>, ctnn::Tanh>;
using Critic = ctnn::Sequential<ctnn::Input<16>, ctnn::Dense<8>, ctnn::BatchNorm<>, ctnn::LeakyReLU<0.2f>,
                                ctnn::Dense<1>>;
ctnn::Gan<G, Critic, ctnn::WassersteinGP> gan(ctnn::Adam{}, ctnn::Adam{});
int main() {}
