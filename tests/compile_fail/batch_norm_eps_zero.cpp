// expect: BatchNorm<Momentum, Eps>: Eps must be positive
// Eps keeps 1 / sqrt(var + Eps) finite for a constant channel; zero is refused.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<8>, ctnn::BatchNorm<0.1f, 0.0f>>;
static_assert(Net::param_count > 0);
