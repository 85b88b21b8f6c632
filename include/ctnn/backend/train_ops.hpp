// TrainOps<Self, T>: the training ops (core/train_ops.hpp) written once over Self::for_each and
// the per-element bodies of backend/train_bodies.hpp; a backend derives from it (CRTP) and hides
// an op with its own where its hardware wants another shape.
#pragma once

namespace ctnn {

template <class Self, class T>
struct TrainOps {};

}  // namespace ctnn
