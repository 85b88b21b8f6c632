// Per-rank random streams for data-parallel training. Every rank starts from rank 0's weights
// (broadcast_model), but what each draws on its share of the batch must differ: Dropout masks,
// a GAN's latents and instance noise. rank_seed(seed, rank) is seed itself on rank 0 (one rank
// draws what a single process draws) and an independent SplitMix64 mix of (seed, rank) on the
// others (core/random.hpp). seed_layers_for_rank reseeds a model's Dropout layers
// (Model::seed_layers) with it; Gan::set_data_share does so for a GAN's networks, latents and noise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ctnn/core/random.hpp"
#include "ctnn/nn/model.hpp"

namespace ctnn::dist {

using ctnn::rank_seed;  // core/random.hpp

// Dropout seeds that differ per rank (rank 0 keeps the single-process masks). The layers'
// counters are kept: after a resume the masks go on from where the checkpoint left them.
template <class Net, class B>
void seed_layers_for_rank(Model<Net, B>& model, std::uint64_t seed, int rank) {
    const std::vector<std::uint64_t> counters = model.counters();
    model.seed_layers(rank_seed(seed, rank));
    model.set_counters(counters);
}

}  // namespace ctnn::dist
