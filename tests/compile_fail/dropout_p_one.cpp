// expect: Dropout: P must be in [0, 1)
// P = 1 would drop everything and scale the survivors by 1 / 0.
#include <ctnn/ctnn.hpp>

using Net = ctnn::Sequential<ctnn::Input<10>, ctnn::Dropout<1.0f>>;
static_assert(Net::param_count == 0);
