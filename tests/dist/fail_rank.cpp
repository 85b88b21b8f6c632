// dist_fail_rank CASE: a data-parallel LeNet-5 run over run_together (dist/fail_together.hpp) in
// which a rank fails, for tests/dist/fail_rank.sh:
//   data_missing  the last rank loads MNIST from a directory that does not exist, while the
//                 others have gone on to the model broadcast and wait there;
//   step_throws   the last rank throws in its 5th step, while the others wait in its allreduce;
//   nan_stop      a NaN in the last rank's gradients under NonFinitePolicy::stop: all ranks
//                 throw NonFiniteError at the same step;
//   silent_rank   the last rank fails at once, while rank 0 computes for 20 s without any MPI
//                 call: after its 2 s answer timeout the failing rank ends the job (MPI_Abort);
//   ok            no failure (exit status 0).
// Each failing case must end every rank with the same line and a non-zero status, quickly.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/dist/dist.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/classifier.hpp>

#include <chrono>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

using namespace ctnn;

namespace {

data::Dataset synthetic(std::size_t count) {
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({count, 1, 28, 28});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({count});
    Rng rng(3);
    for (std::size_t i = 0; i < count; ++i) {
        d.labels(i) = static_cast<std::int32_t>(i % 10);
        for (std::size_t k = 0; k < 784; ++k)
            d.images.data()[i * 784 + k] = static_cast<float>(rng.uniform01());
    }
    return d;
}

}  // namespace

int main(int argc, char** argv) {
    dist::Environment env(argc, argv);
    dist::Communicator comm;
    const std::string which = argc > 1 ? argv[1] : "ok";
    const bool bad = comm.rank() == comm.size() - 1;
    dist::FailOptions options;
    if (which == "silent_rank") options.answer_timeout = std::chrono::seconds(2);
    return dist::run_together(
        env, comm,
        [&] {
            if (which == "silent_rank") {
                if (bad) throw std::runtime_error("planted failure before training");
                std::this_thread::sleep_for(std::chrono::seconds(20));  // busy elsewhere: hears nothing
            }
            set_num_threads(1);
            using B = cpu::Blas;
            Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam, B> clf(Adam{.lr = 1e-3f}, 1);
            const data::Dataset train = which == "data_missing" && bad
                                            ? data::mnist::load("/nonexistent/mnist").train
                                            : synthetic(32 * 10);
            if (which == "nan_stop") clf.set_non_finite_policy(NonFinitePolicy::stop);
            clf.optimization_step().add_hook([&](const GradientView<B>& view) {
                if (!bad || view.step != 5) return;
                if (which == "step_throws") throw std::runtime_error("planted failure in step 5");
                if (which == "nan_stop") view.gradients[0] = std::numeric_limits<float>::quiet_NaN();
            });
            dist::GradientAllreduce<B> sync(comm);
            dist::attach(comm, clf, sync);
            const EpochStats stats = dist::fit_epoch(comm, clf, sync, train, 32);
            if (comm.is_root())
                std::printf("trained %zu samples, loss %.4f\n", std::size_t(train.size()), stats.loss);
        },
        options);
}
