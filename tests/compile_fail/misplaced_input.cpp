// expect: Input: Input<...> may only be the first element
// Input in the middle of a Sequential.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Input<8>, ctnn::Dense<2>>;
static_assert(Net::param_count > 0);
int main() {}
