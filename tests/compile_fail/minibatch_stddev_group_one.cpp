// expect: MinibatchStddev<Group>: Group must be at least 2
// A group of one sample has no spread to measure.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<16>, ctnn::MinibatchStddev<1>, ctnn::Dense<1>>;
static_assert(Net::param_count > 0);
