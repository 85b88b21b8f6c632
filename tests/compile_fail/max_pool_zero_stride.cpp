// expect: MaxPool<K, Stride>: Stride must be positive
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 8, 8>, ctnn::MaxPool<2, 0>>;
using Out = Net::output_shape;
static_assert(Out::rank == 3);
