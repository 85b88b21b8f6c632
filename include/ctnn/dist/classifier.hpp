// Data-parallel training of a Classifier: attach(comm, clf, sync) makes the ranks start alike
// (rank 0's weights, state and optimizer state broadcast; Dropout seeds per rank) and adds the
// gradient averaging `sync` (GradientAllreduce or OverlappedGradientAllreduce) to the classifier's
// optimization step; fit_epoch(comm, clf, sync, train, batch) is Classifier::fit_epoch over the
// ranks: the same global shuffle and global batches of batch_size, each rank training on its
// share (data::Batches with shard(comm)), each step's gradients and loss averaged over the global batch, so R
// ranks compute what one process does (up to the order of float sums). Its figures (loss,
// accuracy, samples) are of the global batches and the same on every rank. The stop flag stops
// every rank after the same step (it rides along in the allreduce), keeping the epoch's position
// in clf.epoch_progress() as Classifier::fit_epoch does, so a checkpoint resumes exactly.
// Before evaluating or saving, average_state(comm, clf.model()) (BatchNorm statistics). With
// augmentation on (Classifier::set_augmentation), each image gets the transform of its place in the
// global batch, as in one process.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "ctnn/data/dataset.hpp"
#include "ctnn/dist/communicator.hpp"
#include "ctnn/dist/gradient_allreduce.hpp"
#include "ctnn/dist/model_sync.hpp"
#include "ctnn/dist/seeds.hpp"
#include "ctnn/dist/shard.hpp"
#include "ctnn/optim/one_of.hpp"
#include "ctnn/train/classifier.hpp"

namespace ctnn::dist {

// Rank 0's model and optimizer state on every rank, per-rank Dropout seeds, and `sync` added to the
// step (attached to the model first when it overlaps with backward). Call once, on every rank,
// after any checkpoint was loaded; `sync` must outlive the classifier's training.
template <class Net, class Loss, class Optimizer, Backend B, class Sync>
void attach(Communicator& comm, Classifier<Net, Loss, Optimizer, B>& clf, Sync& sync) {
    broadcast_model(comm, clf.model());
    broadcast_optimizer(comm, clf.model(), clf.optimizer());
    seed_layers_for_rank(clf.model(), clf.seed(), comm.rank());
    if constexpr (requires { sync.attach(clf.model()); }) sync.attach(clf.model());
    clf.optimization_step().add_hook(sync.hook());
}

// One pass over `train` in global batches of batch_size (see above). Every rank calls it with the
// same data set and batch size.
template <class Net, class Loss, class Optimizer, Backend B, class Sync>
EpochStats fit_epoch(Communicator& comm, Classifier<Net, Loss, Optimizer, B>& clf, Sync& sync,
                     const data::Dataset& train, std::size_t batch_size,
                     const ProgressCallback& progress = {}) {
    using C = Classifier<Net, Loss, Optimizer, B>;
    if (train.sample_size() != C::sample_size)
        throw std::invalid_argument("Classifier: samples hold " + std::to_string(train.sample_size()) +
                                    " values but the network's input " + Net::input_shape::to_string() +
                                    " needs " + std::to_string(C::sample_size));
    EpochStats stats;
    stats.epoch = clf.epoch();
    stats.learning_rate = clf.schedule().rate(clf.base_learning_rate(), clf.epoch());
    set_learning_rate(clf.optimizer(), static_cast<float>(stats.learning_rate));
    data::Batches batches(train, batch_size, clf.seed(), /*shuffle=*/true, /*drop_last=*/false, shard(comm));
    batches.start_epoch(clf.epoch());
    EpochProgress done = clf.epoch_progress();
    for (std::size_t i = 0; i < done.batches; ++i) batches.next();  // trained before a stop
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = [&] {
        return done.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const std::size_t total = batches.batches_per_epoch();
    bool stop = comm.any(clf.stop_requested());  // a flag raised before the epoch: no step at all
    while (!stop && batches.next()) {
        sync.set_weight(share_weight(batches));
        sync.set_flag(clf.stop_requested());
        const std::size_t skipped_before = clf.skipped_steps();
        const std::size_t first =
            done.batches * batch_size + data::share_range(batches.global_size(), shard(comm)).first;
        const double loss = clf.fit_batch(clf.augment_batch(batches.images(), batches.size(), first),
                                          batches.labels(), batches.size());
        const bool skipped = clf.skipped_steps() != skipped_before;
        const std::size_t n = batches.global_size();
        if (std::isfinite(loss)) done.loss_sum += loss * double(n);
        done.seen += n;
        // The classifier's step sums: the loss, then the correct count (summed over the ranks).
        if (!skipped) done.correct += static_cast<std::size_t>(std::lround(double(sync.reduced_sums()[1])));
        done.skipped += skipped;
        ++done.batches;
        stop = sync.any_flag();
        if (progress && (done.batches % 20 == 0 || done.batches == total))
            progress(done.seen, train.size(), done.loss_sum / double(done.seen),
                     double(done.seen) / seconds());
    }
    stats.complete = done.batches >= total;
    stats.seconds = seconds();
    stats.loss = done.seen ? done.loss_sum / double(done.seen) : 0.0;
    stats.accuracy = done.seen ? double(done.correct) / double(done.seen) : 0.0;
    stats.images_per_second = double(done.seen) / std::max(stats.seconds, 1e-9);
    stats.skipped_steps = done.skipped;
    if (!stats.complete) {
        done.seconds = stats.seconds;
        clf.set_epoch_progress(done);
        return stats;
    }
    clf.set_epoch_progress({});
    clf.set_epoch(clf.epoch() + 1);
    return stats;
}

}  // namespace ctnn::dist
