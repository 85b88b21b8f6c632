// ctnn::io umbrella: checkpoints (safetensors.hpp), images and PNG grids (image.hpp,
// png.hpp, grid.hpp), charts (plot.hpp, heatmap.hpp), metric logs (csv_log.hpp) and the
// shared IoError / the one safe writer (atomic_file.hpp), the checkpoint format (checkpoint.hpp).
// Saving and loading a model with its optimizer is train/checkpoint.hpp: io/ includes no nn/.
#pragma once

#include <ctnn/io/atomic_file.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/csv_log.hpp>
#include <ctnn/io/error.hpp>
#include <ctnn/io/grid.hpp>
#include <ctnn/io/heatmap.hpp>
#include <ctnn/io/image.hpp>
#include <ctnn/io/plot.hpp>
#include <ctnn/io/png.hpp>
#include <ctnn/io/safetensors.hpp>
#include <ctnn/io/tensor_data.hpp>
