// expect: MinibatchStddev: input must be (F) or (C, H, W)
// The spread feature is appended as one more feature (F) or one more channel (C, H, W); a
// rank-2 sample has neither.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<4, 5>, ctnn::MinibatchStddev<>>;
static_assert(Net::param_count == 0);
