// ctnn::data umbrella: Dataset and normalisation, IDX and CSV readers, MNIST loading and
// deterministic shuffled mini-batches. Every loader error is a ctnn::data::DataError.
#pragma once

#include <ctnn/data/batches.hpp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/file.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/data/mnist.hpp>
#include <ctnn/data/shuffle.hpp>
#include <ctnn/data/table.hpp>
