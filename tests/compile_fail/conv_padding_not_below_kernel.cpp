// expect: Conv<Cout, K, Stride, Padding>: Padding must be smaller than the kernel size
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 8, 8>, ctnn::Conv<4, 3, 1, 3>>;
static_assert(Net::param_count > 0);
