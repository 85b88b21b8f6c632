// expect: Sequential: the first element must be Input
// A Sequential that does not start with Input<...>.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Dense<10>, ctnn::ReLU>;
static_assert(Net::param_count > 0);
int main() {}
