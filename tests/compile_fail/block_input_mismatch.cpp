// expect: Sequential used as a block: its Input<...> must equal the shape reaching it
#include <ctnn/ctnn.hpp>

using Block = ctnn::Sequential<ctnn::Input<8, 8, 8>, ctnn::Conv<8, 3, 1, 1>, ctnn::ReLU>;
using Net = ctnn::Sequential<ctnn::Input<4, 8, 8>, Block>;
static_assert(Net::param_count > 0);
