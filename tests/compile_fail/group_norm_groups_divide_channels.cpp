// expect: GroupNorm<G>: the group count G must divide the channel count C
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<6, 4, 4>, ctnn::GroupNorm<4>>;
static_assert(Net::param_count == 12);
