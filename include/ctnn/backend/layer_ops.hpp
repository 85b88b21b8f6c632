// LayerOps<Self, T>: the layer ops (core/layer_ops.hpp) written once over Self::for_each and
// the per-element bodies of backend/layer_bodies.hpp; a backend derives from it (CRTP) and
// hides an op with its own where its hardware wants another shape (cuda: block reductions).
#pragma once

namespace ctnn {

template <class Self, class T>
struct LayerOps {};

}  // namespace ctnn
