// expect: Upsample<F>: the factor F must be positive
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<1, 4, 4>, ctnn::Upsample<0>>;
static_assert(Net::param_count == 0);
