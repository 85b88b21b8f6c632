// Keeping the ranks' models the same: broadcast_model (parameters and state from rank 0, at the
// start and after a resume), broadcast_optimizer (its state tensors and step count), average_state
// (BatchNorm running statistics: each rank's are of its own share of the batches, so before an
// evaluation or a checkpoint they are averaged: the running means exactly, the running variances
// as the mean of the ranks' variances, which leaves out the spread between the ranks' means), and
// max_difference (how far a rank's parameters are from rank 0's: 0 while the ranks stay in sync).
// Values go through host buffers (any backend, any MPI).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "ctnn/dist/communicator.hpp"
#include "ctnn/nn/model.hpp"

namespace ctnn::dist {

namespace detail {

// values (backend memory, n of them) = root's, on every rank.
template <class B, class T>
void broadcast_buffer(Communicator& comm, T* values, std::size_t n, int root) {
    if (n == 0) return;
    std::vector<T> host(n);
    B::to_host(values, host.data(), n);
    comm.broadcast(std::span<T>(host), root);
    B::from_host(host.data(), values, n);
}

}  // namespace detail

// Rank root's parameters, state (BatchNorm running statistics) and layer counters on every rank.
template <class Net, class B>
void broadcast_model(Communicator& comm, Model<Net, B>& model, int root = 0) {
    using M = Model<Net, B>;
    detail::broadcast_buffer<B>(comm, model.parameters(), M::param_count, root);
    detail::broadcast_buffer<B>(comm, model.state(), M::state_count, root);
    std::vector<std::uint64_t> counters = model.counters();
    if (!counters.empty()) {
        comm.broadcast(std::span<std::uint64_t>(counters), root);
        model.set_counters(counters);
    }
}

// Rank root's state of `optimizer` (Adam's moments, its step count), the optimizer of `model`
// (a Classifier's optimizer(), model()).
template <class Net, class B, class Optimizer>
void broadcast_optimizer(Communicator& comm, const Model<Net, B>&, Optimizer& optimizer, int root = 0) {
    for (auto& named : optimizer.state_tensors())
        detail::broadcast_buffer<B>(comm, named.second->data(), Net::param_count, root);
    std::uint64_t steps = optimizer.steps();
    comm.broadcast(std::span<std::uint64_t>(&steps, 1), root);
    optimizer.set_steps(steps);
}

// The state tensors (BatchNorm running mean and variance) averaged over the ranks, on every rank.
template <class Net, class B>
void average_state(Communicator& comm, Model<Net, B>& model) {
    using M = Model<Net, B>;
    using T = typename M::T;
    if constexpr (M::state_count > 0) {
        std::vector<T> host(M::state_count);
        B::to_host(model.state(), host.data(), host.size());
        comm.allreduce_average(std::span<T>(host));
        B::from_host(host.data(), model.state(), host.size());
    }
}

// max |parameter - rank 0's parameter| over the parameters (and state when with_state), the same
// value on every rank (a collective: every rank calls it).
template <class Net, class B>
double max_difference(Communicator& comm, const Model<Net, B>& model, bool with_state = true) {
    using M = Model<Net, B>;
    using T = typename M::T;
    std::vector<T> mine(M::param_count + (with_state ? M::state_count : 0));
    B::to_host(model.parameters(), mine.data(), M::param_count);
    if (with_state) B::to_host(model.state(), mine.data() + M::param_count, M::state_count);
    std::vector<T> root = mine;
    comm.broadcast(std::span<T>(root), 0);
    double worst = 0;
    for (std::size_t i = 0; i < mine.size(); ++i)
        worst = std::max(worst, std::fabs(double(mine[i]) - double(root[i])));
    comm.allreduce_max(std::span<double>(&worst, 1));
    return worst;
}

}  // namespace ctnn::dist
