// expect: BCE: the network output must be Shape<1>
// BCE on a 10-way output.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<10>, ctnn::Sigmoid>;
int main() {
    ctnn::BCE::bind<Net::output_shape>::impl<ctnn::cpu::Blas> loss;
    (void)loss;
}
