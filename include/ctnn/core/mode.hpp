// Train / eval mode. Layers such as BatchNorm and Dropout behave differently in each; every
// forward pass is told which mode it runs in.
#pragma once

namespace ctnn {

enum class Mode { train, eval };

}  // namespace ctnn
