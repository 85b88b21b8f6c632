// expect: AvgPool: window larger than the input
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<6, 5, 5>, ctnn::AvgPool<2>, ctnn::AvgPool<3>>;  // 5x5 -> 2x2 -> ?
static_assert(Net::param_count == 0);
