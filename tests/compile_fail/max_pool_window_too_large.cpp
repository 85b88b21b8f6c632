// expect: MaxPool: window larger than the input
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 28, 3>, ctnn::MaxPool<4>>;
static_assert(Net::param_count == 0);
