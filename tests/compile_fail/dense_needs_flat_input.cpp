// expect: Dense: input must be flat
// Dense after a (C, H, W) shape without Flatten.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<1, 28, 28>, ctnn::Dense<10>>;
static_assert(Net::param_count > 0);
int main() {}
