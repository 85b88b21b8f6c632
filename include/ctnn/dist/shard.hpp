// Each rank's share of one global shuffle: data::Batches with a data::Share (data/batches.hpp)
// cuts the single-process order of (seed, epoch) into the same global batches on every rank, and
// rank r of R gathers samples [n r / R, n (r + 1) / R) of each batch of n; the global --batch stays
// the global batch. shard(comm) is this rank's Share; share_weight(batches) its part of the
// current batch (the weight of its mean gradient in the global mean).
#pragma once

#include <cstddef>

#include "ctnn/data/batches.hpp"
#include "ctnn/dist/communicator.hpp"

namespace ctnn::dist {

inline data::Share shard(const Communicator& comm) {
    return {comm.rank(), comm.size()};
}

inline double share_weight(const data::Batches& batches) {
    return batches.global_size() ? double(batches.size()) / double(batches.global_size()) : 0.0;
}

}  // namespace ctnn::dist
