// Compiles ctnn::dist against an installed ctnn and runs one allreduce (see CMakeLists.txt here).
#include <ctnn/dist/dist.hpp>

#include <span>

int main(int argc, char** argv) {
    ctnn::dist::Environment env(argc, argv);
    ctnn::dist::Communicator comm;
    float value = 2.0f;
    comm.allreduce_average(std::span<float>(&value, 1));
    return value == 2.0f ? 0 : 1;
}
