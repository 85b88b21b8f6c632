// expect: ConditionalGan: the discriminator's input must be the generator's output
// A conditional D sees the label: its input is G's (1, 28, 28) with one plane per class,
// (11, 28, 28); the unconditional DCGAN discriminator's (1, 28, 28) is refused.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/conditional.hpp>
#include <ctnn/train/gan.hpp>
ctnn::ConditionalGan<ctnn::models::ConditionalDcganGenerator<100>, ctnn::models::DcganDiscriminator, 10> gan(
    ctnn::Adam{}, ctnn::Adam{});
int main() {}
