// The training half of the Backend contract: the named ops that losses, optimizers and trainers
// call (loss value + gradient with the sum kept on the device, SGD and Adam/AdamW steps, instance
// noise, the moving average of G, finite checks). One requirement line per op.
#pragma once

namespace ctnn {

template <class B>
concept BackendTrainOps = true;

}  // namespace ctnn
