// expect: GroupNorm: input must be (C) or (C, H, W)
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<16>, ctnn::Reshape<4, 4>, ctnn::GroupNorm<2>>;
static_assert(Net::param_count == 8);
