// expect: SpectralNorm<L>: L must be Dense, Conv or ConvTranspose
// Spectral normalization divides a weight matrix by its largest singular value; a layer
// without one (here an activation) is refused at compile time.
#include <ctnn/ctnn.hpp>
using Net = ctnn::Sequential<ctnn::Input<8>, ctnn::SpectralNorm<ctnn::ReLU>>;
ctnn::Model<Net, ctnn::cpu::Blas> model;
int main() {}
