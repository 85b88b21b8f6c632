// The definitions of run.hpp's data-parallel pieces (Ranks, follow) with dist/'s templates, for
// CTNN_WITH_MPI builds: included by ranks_<arch>.cpp (explicit instantiations, one unit per
// architecture) and by cuda.cu.
#pragma once

#include <ctnn/dist/dist.hpp>

#include "run.hpp"

namespace lenet5 {

template <class Net, class B>
struct Ranks<Net, B>::State {
    ctnn::dist::Communicator& comm;
    Trainer<Net, B>& clf;
    ctnn::dist::GradientAllreduce<B> allreduce;
};

template <class Net, class B>
Ranks<Net, B>::Ranks(ctnn::dist::Communicator& comm, Trainer<Net, B>& clf)
    : m_state(new State{comm, clf, ctnn::dist::GradientAllreduce<B>(comm)}) {
    ctnn::dist::attach(comm, clf, m_state->allreduce);
}

template <class Net, class B>
Ranks<Net, B>::~Ranks() = default;

template <class Net, class B>
ctnn::EpochStats Ranks<Net, B>::fit_epoch(const ctnn::data::Dataset& train, std::size_t batch,
                                          const ctnn::ProgressCallback& tick) {
    const auto stats =
        ctnn::dist::fit_epoch(m_state->comm, m_state->clf, m_state->allreduce, train, batch, tick);
    if (stats.complete) ctnn::dist::average_state(m_state->comm, m_state->clf.model());
    return stats;
}

// A rank other than 0 under mpirun: the model, data and steps of rank 0, in step with it, writing
// nothing. A failure on either side ends both (dist::run_together in main.cpp).
template <class Net, class B>
int follow(const Config& config, ctnn::dist::Communicator& comm) {
    if (config.eval_only) return 0;  // rank 0 evaluates alone
    const Sets sets = load_sets(config);
    Trainer<Net, B> clf(make_optimizer(config), config.common.seed);
    configure(clf, config);
    if (!config.common.resume.empty()) {
        const auto info = load_model(clf, config.common.resume, /*weights_only=*/false);
        clf.set_epoch(info.epoch);
        clf.set_step(info.step);
        if (const auto p = info.extra.find("epoch_progress"); p != info.extra.end())
            clf.set_epoch_progress(parse_progress(p->second, config.common.resume));
    }
    ctnn::dist::GradientAllreduce<B> sync(comm);
    ctnn::dist::attach(comm, clf, sync);
    const examples::StopOnSignal stop;
    clf.set_stop_flag(stop.flag());
    while (clf.epoch() < config.epochs) {
        if (!ctnn::dist::fit_epoch(comm, clf, sync, sets.train, config.batch).complete)
            return stop.signal_number() ? stop.exit_code() : 130;  // rank 0's signal stopped us
        ctnn::dist::average_state(comm, clf.model());
    }
    return 0;
}

}  // namespace lenet5
