// expect: BatchNorm: input must be (F) or (C, H, W)
// BatchNorm normalises features (F) or channels (C, H, W); a rank-4 sample has neither.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<2, 3, 4, 5>, ctnn::BatchNorm<>>;
static_assert(Net::param_count > 0);
