// `gan train` under mpirun (a CTNN_MPI build; TrainConfig::comm set by main.cpp): Ranks<B> is this
// process's part of a data-parallel run, or of a single process when there is no communicator.
// attach() makes the ranks start alike (rank 0's networks and optimizer states broadcast after any
// resume), gives the Gan its share of every global batch (--batch stays the global batch) and
// adds the gradient averaging to the D and G steps (dist/gan.hpp); the stop flag of a signal rides
// along in the D step's allreduce, so every rank stops after the same iteration. fit_epoch is
// Gan::fit_epoch over the ranks; average_state averages the BatchNorm statistics of G, D and the
// moving average of G over the ranks (every rank calls it, before rank 0 samples or saves). Only
// rank 0 writes (writer()). Without a communicator every call is the single-process one.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

#include <ctnn/data/dataset.hpp>
#include <ctnn/train/gan.hpp>

#if defined(CTNN_WITH_MPI)
#include <ctnn/dist/gan.hpp>
#endif

#include "config.hpp"

namespace gan {

template <class B>
class Ranks {
  public:
    explicit Ranks(const TrainConfig& config) {
#if defined(CTNN_WITH_MPI)
        if (config.comm) m_sync = std::make_unique<Sync>(*config.comm);
#else
        (void)config;
#endif
    }

    int count() const {
#if defined(CTNN_WITH_MPI)
        if (m_sync) return m_sync->comm.size();
#endif
        return 1;
    }
    bool writer() const {
#if defined(CTNN_WITH_MPI)
        if (m_sync) return m_sync->comm.is_root();
#endif
        return true;
    }

    template <class GanT>
    void attach(GanT& gan, const std::atomic<bool>* stop) {
#if defined(CTNN_WITH_MPI)
        if (m_sync) return ctnn::dist::attach(m_sync->comm, gan, m_sync->d, m_sync->g, stop);
#endif
        gan.set_stop_flag(stop);
    }

    template <class GanT, class Progress>
    ctnn::GanEpochStats fit_epoch(GanT& gan, const ctnn::data::Dataset& train, std::size_t batch,
                                  Progress&& progress) {
#if defined(CTNN_WITH_MPI)
        if (m_sync)
            return ctnn::dist::fit_epoch(m_sync->comm, gan, m_sync->d, m_sync->g, train, batch,
                                         std::forward<Progress>(progress));
#endif
        return gan.fit_epoch(train, batch, std::forward<Progress>(progress));
    }

    template <class GanT>
    void average_state(GanT& gan) {
#if defined(CTNN_WITH_MPI)
        if (!m_sync) return;
        ctnn::dist::average_state(m_sync->comm, gan.generator());
        ctnn::dist::average_state(m_sync->comm, gan.discriminator());
        if (gan.has_generator_ema()) ctnn::dist::average_state(m_sync->comm, gan.sampling_generator());
#else
        (void)gan;
#endif
    }

  private:
#if defined(CTNN_WITH_MPI)
    struct Sync {
        explicit Sync(ctnn::dist::Communicator& c) : comm(c), d(c), g(c) {}
        ctnn::dist::Communicator& comm;
        ctnn::dist::GradientAllreduce<B> d, g;  // the D step's and the G step's averaging
    };
    std::unique_ptr<Sync> m_sync;
#endif
};

}  // namespace gan
