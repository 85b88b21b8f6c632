// expect: Residual: f(x) must have the shape of the shortcut
#include <ctnn/ctnn.hpp>

// f maps (4, 8, 8) to (8, 8, 8) with no Shortcut<...> projection: the diagnostic names
// residual_shapes_match<Shape<4, 8, 8>, Shape<8, 8, 8>>.
using Net = ctnn::Sequential<ctnn::Input<4, 8, 8>, ctnn::Residual<ctnn::Conv<8, 3, 1, 1>, ctnn::ReLU>>;
static_assert(Net::param_count > 0);
