// expect: Conv<Cout, K, Stride, Padding>: Stride must be positive
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 8, 8>, ctnn::Conv<4, 3, 0>>;
using Out = Net::output_shape;
static_assert(Out::rank == 3);
