// expect: Softmax: input must be flat
// Softmax over a (C, H, W) shape.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<1, 4, 4>, ctnn::Softmax>;
static_assert(Net::param_count == 0);
int main() {}
