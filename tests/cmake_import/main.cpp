// Compiles the umbrella header against an installed ctnn (see CMakeLists.txt here).
#include <ctnn/ctnn.hpp>

int main() {
    return 0;
}
