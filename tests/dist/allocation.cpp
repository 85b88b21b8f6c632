// A steady-state data-parallel step allocates nothing (ctnn's own heap; MPI allocates with
// malloc, which this counter does not see): after a warm-up step, LeNet-5 steps with the blocking
// and the overlapped gradient allreduce make no operator new call, on every rank.
#include <ctnn/ctnn.hpp>
#include <ctnn/dist/dist.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/classifier.hpp>

#include <doctest/doctest.h>

#include <vector>

#include "../support/steady_state.hpp"

using namespace ctnn;

namespace {

template <class Sync>
std::size_t step_allocations(dist::Communicator& comm) {
    using B = cpu::Blas;
    Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam, B> clf(Adam{}, 1);
    Sync sync(comm);
    dist::attach(comm, clf, sync);
    std::vector<float> digits(16 * 784, 0.25f);
    std::vector<std::int32_t> labels(16, 3);
    clf.fit_batch(digits.data(), labels.data(), 16);  // warm-up
    std::size_t count = 0;
    {
        testing::HeapCounter counter;
        for (int i = 0; i < 3; ++i) {
            sync.set_weight(0.5);
            sync.set_flag(i == 2);
            clf.fit_batch(digits.data(), labels.data(), i == 2 ? 9 : 16);
        }
        count = counter.count();
    }
    CHECK(sync.any_flag());
    return count;
}

}  // namespace

TEST_CASE("dist: a steady-state data-parallel LeNet-5 step allocates nothing (blocking and overlapped)") {
    set_num_threads(1);
    dist::Communicator comm;
    CHECK(step_allocations<dist::GradientAllreduce<cpu::Blas>>(comm) == 0);
    CHECK(step_allocations<dist::OverlappedGradientAllreduce<cpu::Blas>>(comm) == 0);
}
