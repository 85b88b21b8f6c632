// The one place ctnn includes xtensor. Debian ships xtensor 0.24 with flat include paths
// (<xtensor/xarray.hpp>); 0.26 moved them to <xtensor/containers/...>. Change them here only.
#pragma once

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xio.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>
