// expect: ConvTranspose<Cout, K, Stride, Padding>: Cout (output channels) must be positive
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<8, 4, 4>, ctnn::ConvTranspose<0, 4, 2, 1>>;
using Out = Net::output_shape;
static_assert(Out::rank == 3);
