// ctnn::dist, data-parallel training over MPI (optional: link ctnn::mpi, which brings MPI; not
// part of ctnn.hpp). Environment and Communicator (communicator.hpp), gradient averaging as a
// step hook, blocking or overlapped with backward (gradient_allreduce.hpp), model broadcast and
// BatchNorm statistics averaging (model_sync.hpp), per-rank seeds (seeds.hpp), each rank's share
// of the global batches (shard.hpp), failing together (fail_together.hpp), and the data-parallel
// epochs of the Classifier (classifier.hpp) and the Gan (gan.hpp).
#pragma once

#include "ctnn/dist/classifier.hpp"
#include "ctnn/dist/communicator.hpp"
#include "ctnn/dist/fail_together.hpp"
#include "ctnn/dist/gan.hpp"
#include "ctnn/dist/gradient_allreduce.hpp"
#include "ctnn/dist/model_sync.hpp"
#include "ctnn/dist/seeds.hpp"
#include "ctnn/dist/shard.hpp"
