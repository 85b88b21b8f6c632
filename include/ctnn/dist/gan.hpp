// Data-parallel training of a Gan: attach(comm, gan, d_sync, g_sync, stop) makes the ranks start
// alike (rank 0's G, D, G's moving average and both optimizer states broadcast), makes the trainer
// rank comm.rank() of comm.size() (Gan::set_data_share: its part of every global batch, its own
// latents, instance noise and Dropout masks), adds the gradient averaging to the D step and the G
// step (GradientAllreduce: the D step runs D's backward twice, real then fake, so it cannot overlap),
// and gives the trainer the stop flag as the ranks agree on it: `stop` (a flag a signal handler
// raises on any rank) is read in every D step's allreduce, so every rank stops after the same
// iteration. fit_epoch(comm, gan, d_sync, g_sync, train, batch) is Gan::fit_epoch with the global
// batch `batch`; its figures are of the global batches, the same on every rank. BatchNorm layers
// normalise over each rank's share (as PyTorch DDP without SyncBatchNorm), so R ranks differ from
// one process; average_state on both networks before sampling, evaluating or saving.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "ctnn/dist/communicator.hpp"
#include "ctnn/dist/gradient_allreduce.hpp"
#include "ctnn/dist/model_sync.hpp"
#include "ctnn/dist/shard.hpp"
#include "ctnn/train/gan.hpp"

namespace ctnn::dist {

template <class G, class D, class Loss, class OptG, class OptD, Backend B, std::size_t Classes>
void attach(Communicator& comm, Gan<G, D, Loss, OptG, OptD, B, Classes>& gan, GradientAllreduce<B>& d_sync,
            GradientAllreduce<B>& g_sync, const std::atomic<bool>* stop = nullptr) {
    broadcast_model(comm, gan.generator());
    broadcast_model(comm, gan.discriminator());
    if (gan.has_generator_ema()) broadcast_model(comm, gan.sampling_generator());
    broadcast_optimizer(comm, gan.generator(), gan.generator_optimizer_state());
    broadcast_optimizer(comm, gan.discriminator(), gan.discriminator_optimizer_state());
    gan.set_data_share(shard(comm));
    gan.discriminator_step().add_hook(d_sync.hook());
    gan.generator_step().add_hook(g_sync.hook());
    d_sync.watch(stop);
    gan.set_stop_flag(d_sync.agreed());
}

// Every rank calls it with the same data set and global batch size.
template <class G, class D, class Loss, class OptG, class OptD, Backend B, std::size_t Classes>
GanEpochStats fit_epoch(Communicator& comm, Gan<G, D, Loss, OptG, OptD, B, Classes>& gan,
                        GradientAllreduce<B>& d_sync, GradientAllreduce<B>& g_sync,
                        const data::Dataset& train, std::size_t batch_size,
                        const GanProgressCallback& progress = {}) {
    // Gan drops the short last batch, so every batch is full and this rank's weight is constant.
    const std::size_t n = std::min(batch_size, train.size());
    const double weight = n ? double(data::share_range(n, shard(comm)).size()) / double(n) : 0.0;
    d_sync.set_weight(weight);
    g_sync.set_weight(weight);
    return gan.fit_epoch(train, batch_size, progress);
}

}  // namespace ctnn::dist
