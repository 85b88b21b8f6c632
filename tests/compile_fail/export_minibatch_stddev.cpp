// expect: export_header: MinibatchStddev cannot be exported
// The exported forward pass runs one sample; MinibatchStddev needs a batch, so exporting a
// network that holds it is refused at compile time, naming it.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/nn/export.hpp>
int main() {
    ctnn::Model<ctnn::models::DcganDiscriminatorMbstd, ctnn::cpu::Blas> model;
    ctnn::io::export_header(model, "critic", "critic.h");
}
