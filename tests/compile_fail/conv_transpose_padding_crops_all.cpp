// expect: ConvTranspose: the padding crops away the whole output
// (1 - 1) * 1 + 3 - 2 * 2 < 1: nothing would be left of a 1x1 input.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<8, 1, 1>, ctnn::ConvTranspose<4, 3, 1, 2>>;
static_assert(Net::param_count > 0);
