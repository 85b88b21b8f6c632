// expect: Gan: the discriminator must end in Shape<1>, one logit per image
// A discriminator with two outputs (a classifier head) is not a GAN discriminator.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/train/gan.hpp>
using TwoHeads = ctnn::Sequential<ctnn::Input<1, 28, 28>, ctnn::Flatten, ctnn::Dense<2>>;
ctnn::Gan<ctnn::models::MlpGenerator<>, TwoHeads> gan(ctnn::Adam{}, ctnn::Adam{});
int main() {}
