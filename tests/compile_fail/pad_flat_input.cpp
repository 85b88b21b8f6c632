// expect: Pad: input must be (C, H, W)
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Pad<2>>;
static_assert(Net::param_count == 0);
