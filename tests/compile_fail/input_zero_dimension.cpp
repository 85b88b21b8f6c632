// expect: Input: every dimension must be positive
// A zero-sized input dimension.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<1, 0, 28>, ctnn::Flatten>;
static_assert(Net::param_count == 0);
int main() {}
