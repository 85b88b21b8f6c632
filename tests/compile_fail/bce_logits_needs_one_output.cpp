// expect: BCEWithLogits: the network output must be Shape<1>
// A GAN discriminator must end in one logit.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<2>>;
int main() {
    ctnn::BCEWithLogits::bind<Net::output_shape>::impl<ctnn::cpu::Blas> loss;
    (void)loss;
}
