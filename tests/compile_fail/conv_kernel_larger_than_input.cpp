// expect: Conv: kernel larger than the (padded) input
// A 5x5 kernel cannot slide over a 4x4 image.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 4, 4>, ctnn::Conv<2, 5>>;
static_assert(Net::param_count > 0);
