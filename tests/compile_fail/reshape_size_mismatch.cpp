// expect: Reshape: the new shape must hold exactly as many elements as the input
// 784 elements cannot become (1, 27, 27).
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Reshape<1, 27, 27>>;
static_assert(Net::param_count == 0);
int main() {}
