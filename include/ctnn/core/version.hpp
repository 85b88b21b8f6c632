// ctnn's version ("major.minor.patch"), as CMake's project(ctnn VERSION ...) declares it; a test
// keeps the two equal. Checkpoints record it in their metadata (ctnn_version).
#pragma once

namespace ctnn {

inline constexpr const char* version = "0.1.0";

}  // namespace ctnn
