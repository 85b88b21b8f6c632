// expect: Upsample: input must be (C, H, W)
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<64>, ctnn::Upsample<2>>;
static_assert(Net::param_count == 0);
