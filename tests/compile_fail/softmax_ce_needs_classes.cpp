// expect: SoftmaxCrossEntropy: the network output must be Shape<K> with K >= 2
// A classifier whose network ends in a single score.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/classifier.hpp>
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<1>>;
int main() {
    ctnn::SoftmaxCrossEntropy::bind<Net::output_shape>::impl<ctnn::cpu::Blas> loss;
    (void)loss;
}
