// expect: Dense<Units>: Units must be positive
// A zero-sized layer parameter.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<0>>;
static_assert(Net::param_count == 0);
int main() {}
