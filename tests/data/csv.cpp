// Tests for ctnn/data/csv.hpp: the MNIST CSV layout with and without a header row, CRLF and
// gzip, the three normalisations, a BOM, quoted and float-notation fields, and a DataError
// naming file, line and problem for each kind of bad row (none is ever dropped).
#include <ctnn/data/csv.hpp>

#include "helpers.hpp"

using namespace ctnn::data;
using namespace ctnn::data::test;

namespace {

// "label,p0,...,p783" with pixel k = (seed + k) % 256, optionally overridden.
std::string row(int label, int seed, std::string_view pixel_override = {}, std::size_t override_at = 0) {
    std::string s = std::to_string(label);
    for (std::size_t k = 0; k < mnist::pixels; ++k) {
        s += ',';
        s += k == override_at && !pixel_override.empty() ? std::string(pixel_override)
                                                         : std::to_string((seed + k) % 256);
    }
    return s;
}

std::string header() {
    std::string s = "label";
    for (std::size_t r = 1; r <= 28; ++r)
        for (std::size_t c = 1; c <= 28; ++c) s += "," + std::to_string(r) + "x" + std::to_string(c);
    return s;
}

}  // namespace

TEST_SUITE_BEGIN("data");
TEST_CASE("data/csv: reads rows with a header, normalised to [0, 1]") {
    TempDir dir;
    write_text(dir / "mnist_train.csv",
               header() + "\n" + row(5, 0) + "\n" + row(0, 100) + "\n" + row(9, 255) + "\n");
    const Dataset d = read_mnist_csv(dir / "mnist_train.csv");
    REQUIRE(d.size() == 3);
    REQUIRE(d.images.shape()[0] == 3);
    CHECK(d.images.shape()[1] == 1);
    CHECK(d.images.shape()[2] == 28);
    CHECK(d.images.shape()[3] == 28);
    CHECK(d.labels(0) == 5);
    CHECK(d.labels(1) == 0);
    CHECK(d.labels(2) == 9);
    CHECK(d.images(0, 0, 0, 0) == 0.0f);
    CHECK(d.images(0, 0, 0, 5) == doctest::Approx(5.0f / 255.0f));
    CHECK(d.images(0, 0, 9, 3) == doctest::Approx(255.0f / 255.0f));  // pixel 255
    CHECK(d.images(1, 0, 1, 0) == doctest::Approx(128.0f / 255.0f));  // pixel 28: (100 + 28) % 256
    CHECK(d.images(2, 0, 0, 0) == 1.0f);
}

TEST_CASE("data/csv: no header, CRLF, blank lines, spaces, gzip and the other normalisations") {
    TempDir dir;
    const std::string text = row(3, 0) + "\r\n\r\n" + row(7, 1) + "\r\n";
    write_text(dir / "crlf.csv", text);
    write_file(dir / "crlf.csv.gz", gzip_bytes(Bytes(text.begin(), text.end())));
    std::string spaced = row(4, 0);
    spaced.replace(0, 2, " 4 , ");
    write_text(dir / "spaced.csv", spaced);

    const Dataset none = read_mnist_csv(dir / "crlf.csv", Normalize::none);
    REQUIRE(none.size() == 2);
    CHECK(none.labels(1) == 7);
    CHECK(none.images(1, 0, 0, 0) == 1.0f);
    CHECK(none.images(1, 0, 27, 27) == static_cast<float>((1 + 783) % 256));
    const Dataset sym = read_mnist_csv(dir / "crlf.csv.gz", Normalize::symmetric);
    REQUIRE(sym.size() == 2);
    CHECK(sym.images(0, 0, 0, 0) == -1.0f);
    CHECK(sym.images(0, 0, 9, 3) == 1.0f);  // pixel 255
    CHECK(read_mnist_csv(dir / "spaced.csv").labels(0) == 4);
}

TEST_CASE("data/csv: wrong column counts name the line") {
    TempDir dir;
    std::string short_row = row(1, 0);
    short_row.erase(short_row.rfind(','));  // 784 columns
    write_text(dir / "short.csv", header() + "\n" + row(1, 0) + "\n" + short_row + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "short.csv"), "short.csv",
                     "line 3: expected 785 columns (label + 784 pixels), found 784");
    write_text(dir / "long.csv", row(1, 0) + ",7\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "long.csv"), "long.csv", "line 1: expected 785 columns",
                     "found 786");
    write_text(dir / "header.csv", "label,a,b\n" + row(1, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "header.csv"), "header.csv",
                     "line 1: header row has 3 columns, expected 785");
}

TEST_CASE("data/csv: bad fields, pixels and labels") {
    TempDir dir;
    write_text(dir / "text.csv", row(1, 0) + "\n" + row(2, 0, "abc", 3) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "text.csv"), "text.csv",
                     "line 2, column 5 (pixel 3): 'abc' is not an integer");
    write_text(dir / "float.csv", row(2, 0, "0.5", 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "float.csv"), "float.csv",
                     "line 1, column 2 (pixel 0): '0.5' is not an integer");
    write_text(dir / "empty-field.csv", row(2, 0, " ", 700) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "empty-field.csv"), "empty-field.csv",
                     "line 1, column 702 (pixel 700): empty field");
    write_text(dir / "bright.csv", row(2, 0, "256", 10) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "bright.csv"), "bright.csv",
                     "line 1, column 12 (pixel 10): pixel value 256 outside 0-255");
    write_text(dir / "dark.csv", header() + "\n" + row(2, 0, "-1", 783) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "dark.csv"), "dark.csv",
                     "line 2, column 785 (pixel 783): pixel value -1 outside 0-255");
    write_text(dir / "label.csv", row(1, 0) + "\n" + row(1, 0) + "\n" + row(10, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "label.csv"), "label.csv", "line 3: label 10 outside 0-9");
    write_text(dir / "negative-label.csv", row(-1, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "negative-label.csv"), "negative-label.csv",
                     "line 1: label -1 outside 0-9");
    write_text(dir / "label-text.csv", header() + "\n" + row(1, 0) + "\nseven" + row(1, 0).substr(1) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "label-text.csv"), "label-text.csv",
                     "line 3, column 1 (label): 'seven' is not an integer");
    write_text(dir / "huge.csv", row(1, 0, "99999999999999999999999", 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "huge.csv"), "huge.csv", "is not an integer");
}

TEST_CASE("data/csv: a BOM, quoted or float labels: every row is parsed or refused, none dropped") {
    // Issue 15 #11: each of these first rows used to be taken for a header and silently lost.
    TempDir dir;
    const std::string bom = "\xEF\xBB\xBF";
    write_text(dir / "bom.csv", bom + row(7, 0) + "\n" + row(2, 1) + "\n");
    Dataset d = read_mnist_csv(dir / "bom.csv");
    REQUIRE(d.size() == 2);
    CHECK(d.labels(0) == 7);
    CHECK(d.labels(1) == 2);
    write_text(dir / "bom-header.csv", bom + header() + "\n" + row(4, 0) + "\n");
    d = read_mnist_csv(dir / "bom-header.csv");
    REQUIRE(d.size() == 1);
    CHECK(d.labels(0) == 4);

    std::string quoted_row = row(3, 0, "\"12\"", 5);
    quoted_row.replace(0, 1, "\"3\"");
    std::string float_row = row(6, 0, "200.0", 0);
    float_row.replace(0, 1, "6.0");
    std::string exponent_row = row(1, 0);
    exponent_row.replace(0, 1, "1e0");
    write_text(dir / "quoted-float.csv", quoted_row + "\n" + float_row + "\n" + exponent_row + "\n");
    d = read_mnist_csv(dir / "quoted-float.csv", Normalize::none);
    REQUIRE(d.size() == 3);
    CHECK(d.labels(0) == 3);
    CHECK(d.images(0, 0, 0, 5) == 12.0f);
    CHECK(d.labels(1) == 6);
    CHECK(d.images(1, 0, 0, 0) == 200.0f);
    CHECK(d.labels(2) == 1);
    // A quoted header is still a header.
    std::string quoted_header = "\"label\"";
    for (std::size_t k = 0; k < mnist::pixels; ++k) quoted_header += ",\"pixel" + std::to_string(k) + "\"";
    write_text(dir / "quoted-header.csv", quoted_header + "\n" + row(8, 0) + "\n");
    d = read_mnist_csv(dir / "quoted-header.csv");
    REQUIRE(d.size() == 1);
    CHECK(d.labels(0) == 8);

    // What is neither a header nor a data row is refused with the line, never skipped.
    std::string half_label = row(7, 0);
    half_label.replace(0, 1, "7.5");
    write_text(dir / "half.csv", half_label + "\n" + row(1, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "half.csv"), "half.csv",
                     "line 1, column 1 (label): '7.5' is not an integer (nor is this row a header");
    write_text(dir / "half-later.csv", row(1, 0) + "\n" + half_label + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "half-later.csv"), "half-later.csv",
                     "line 2, column 1 (label): '7.5' is not an integer");
    write_text(dir / "text-label.csv", "seven" + row(1, 0).substr(1) + "\n" + row(1, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "text-label.csv"), "text-label.csv",
                     "line 1, column 1 (label): 'seven' is not an integer (nor is this row a header");
    write_text(dir / "numbered-header.csv", "label" + row(1, 0).substr(1) + "\n" + row(1, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "numbered-header.csv"), "numbered-header.csv",
                     "line 1, column 1 (label): 'label' is not an integer");
    write_text(dir / "empty-first.csv", std::string(mnist::pixels, ',') + "\n" + row(1, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "empty-first.csv"), "empty-first.csv",
                     "line 1, column 1 (label): empty field");
    write_text(dir / "nan-label.csv", "nan" + row(1, 0).substr(1) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "nan-label.csv"), "nan-label.csv",
                     "line 1, column 1 (label): 'nan' is not an integer");
    write_text(dir / "bom-later.csv", row(1, 0) + "\n" + bom + row(2, 0) + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "bom-later.csv"), "bom-later.csv", "line 2, column 1 (label)");
}

TEST_CASE("data/csv: empty, blank and header-only files") {
    TempDir dir;
    CHECK_DATA_ERROR(read_mnist_csv(dir / "mnist_test.csv"), "mnist_test.csv", "file not found");
    write_text(dir / "empty.csv", "");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "empty.csv"), "empty.csv", "file is empty");
    write_text(dir / "blank.csv", "\n\r\n  \n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "blank.csv"), "blank.csv", "no data rows");
    write_text(dir / "header-only.csv", header() + "\n");
    CHECK_DATA_ERROR(read_mnist_csv(dir / "header-only.csv"), "header-only.csv",
                     "header row but no data rows");
}

TEST_SUITE_END();
