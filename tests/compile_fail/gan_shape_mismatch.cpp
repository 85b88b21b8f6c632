// expect: Gan: the generator's output shape must equal the discriminator's input shape
// A generator of flat 784-vectors cannot feed a discriminator of (1, 28, 28) images: the
// compiler names GanShapes<Shape<784>, Shape<1, 28, 28>>.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/train/gan.hpp>
using FlatGenerator = ctnn::Sequential<ctnn::Input<100>, ctnn::Dense<784>, ctnn::Tanh>;
ctnn::Gan<FlatGenerator, ctnn::models::MlpDiscriminator> gan(ctnn::Adam{}, ctnn::Adam{});
int main() {}
