// core/shape.hpp: Shape's rank, size, dims and text; ShapeType; dim_v; window_output, the sliding-
// window size rule of convolutions and pooling (checked against PyTorch's formula by hand).
#include <doctest/doctest.h>

#include <type_traits>

#include <ctnn/core/shape.hpp>

using ctnn::Shape;

static_assert(Shape<1, 28, 28>::rank == 3 && Shape<1, 28, 28>::size == 784);
static_assert(Shape<10>::rank == 1 && Shape<10>::size == 10);
static_assert(Shape<>::rank == 0 && Shape<>::size == 1);  // a scalar
static_assert(Shape<6, 14, 14>::dims[0] == 6 && Shape<6, 14, 14>::dims[2] == 14);
static_assert(ctnn::ShapeType<Shape<3>> && !ctnn::ShapeType<int> && !ctnn::ShapeType<ctnn::Input<3>>);
static_assert(ctnn::dim_v<Shape<16, 5, 7>, 2> == 7);
static_assert(std::is_same_v<ctnn::Input<1, 28, 28>::shape, Shape<1, 28, 28>>);

TEST_CASE("Shape::to_string spells the per-sample shape as PyTorch prints a size") {
    CHECK(Shape<1, 28, 28>::to_string() == "(1, 28, 28)");
    CHECK(Shape<84>::to_string() == "(84)");
    CHECK(Shape<>::to_string() == "()");
}

TEST_CASE("window_output: floor((input + 2 padding - kernel) / stride) + 1, 0 when the window does not fit") {
    CHECK(ctnn::window_output(32, 5, 1) == 28);     // LeNet-5's C1
    CHECK(ctnn::window_output(28, 2, 2) == 14);     // S2
    CHECK(ctnn::window_output(28, 4, 2, 1) == 14);  // DCGAN's D
    CHECK(ctnn::window_output(7, 3, 2) == 3);       // floor, as PyTorch
    CHECK(ctnn::window_output(5, 5, 3) == 1);
    CHECK(ctnn::window_output(4, 5, 1) == 0);
    CHECK(ctnn::window_output(4, 5, 1, 1) == 2);
    static_assert(ctnn::window_output(14, 5, 1) == 10);
}
