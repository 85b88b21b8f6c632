// expect: ConvTranspose: input must be (C, H, W)
// A latent vector must be reshaped to (100, 1, 1) before a ConvTranspose.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<100>, ctnn::ConvTranspose<128, 7>>;
static_assert(Net::param_count > 0);
