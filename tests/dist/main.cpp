// The doctest main of ctnn_dist_tests, run under mpirun (tests/dist/CMakeLists.txt): MPI is
// initialised once, every rank runs every test case (the cases' collectives match up), and the
// exit status is non-zero on every rank when a check failed on any.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <ctnn/dist/communicator.hpp>

#include <cstdint>
#include <span>

int main(int argc, char** argv) {
    ctnn::dist::Environment env(argc, argv);
    int failed = 0;
    {
        ctnn::dist::Communicator comm;
        doctest::Context context(argc, argv);
        if (!comm.is_root()) context.setOption("no-version", true);
        failed = context.run() != 0 ? 1 : 0;
        if (context.shouldExit()) return failed;
        std::int32_t any = failed;
        comm.allreduce_max(std::span<std::int32_t>(&any, 1));
        failed = any;
    }
    return failed;
}
