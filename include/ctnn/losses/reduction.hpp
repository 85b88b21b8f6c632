// How a loss turns per-element losses into one number: their mean (PyTorch's default) or sum.
// Gradients are scaled to match.
#pragma once

namespace ctnn {

enum class Reduction { mean, sum };

}  // namespace ctnn
