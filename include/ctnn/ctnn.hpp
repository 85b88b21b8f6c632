// ctnn: compile-time neural networks. The umbrella header: everything a user writes against.
#pragma once

#include "ctnn/backend/cpu/blas.hpp"
#include "ctnn/backend/threads.hpp"
#include "ctnn/core/concepts.hpp"
#include "ctnn/core/shape.hpp"
#include "ctnn/core/summary.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/reshape.hpp"
#include "ctnn/layers/softmax.hpp"
#include "ctnn/losses/bce.hpp"
#include "ctnn/losses/mse.hpp"
#include "ctnn/losses/softmax_cross_entropy.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/nn/sequential.hpp"
#include "ctnn/optim/adam.hpp"
#include "ctnn/optim/sgd.hpp"
