// expect: Conv: input must be (C, H, W)
// Conv after a flat input: the image needs Reshape<C, H, W> first.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Conv<6, 5>>;
static_assert(Net::param_count > 0);
