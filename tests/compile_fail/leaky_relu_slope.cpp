// expect: LeakyReLU<Slope>: Slope must be in [0, 1)
// A slope of 1 is the identity, not a leaky ReLU.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::LeakyReLU<1.5f>>;
static_assert(Net::param_count == 0);
int main() {}
