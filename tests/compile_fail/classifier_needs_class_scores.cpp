// expect: Classifier: the network must end in Shape<K> class scores
// A classifier over a network with a (C, H, W) output.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/classifier.hpp>
using Net = ctnn::Sequential<ctnn::Input<1, 4, 4>, ctnn::ReLU>;
int main() {
    ctnn::Classifier<Net, ctnn::SoftmaxCrossEntropy, ctnn::Adam> clf;
    (void)clf;
}
