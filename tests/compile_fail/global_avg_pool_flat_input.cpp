// expect: GlobalAvgPool: input must be (C, H, W)
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 28, 28>, ctnn::Flatten, ctnn::GlobalAvgPool>;
static_assert(Net::param_count == 0);
