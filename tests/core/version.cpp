// core/version.hpp: the version the headers report is the project's (CMake's project VERSION).
#include <doctest/doctest.h>

#include <ctnn/core/version.hpp>

#include <string>

TEST_CASE("version: core/version.hpp equals CMake's project version") {
    CHECK(std::string(ctnn::version) == CTNN_PROJECT_VERSION);
}
