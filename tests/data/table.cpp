// data/table.hpp: numeric CSV tables (a BOM, a quoted header, a blank line, targets by name,
// index or the last column, sklearn's leading count line skipped), bad fields named by line
// and column, arrays in memory, standardization and the classification Dataset.
#include <doctest/doctest.h>

#include <ctnn/data/table.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace ctnn;

namespace {
const std::filesystem::path fixture =
    std::filesystem::path(CTNN_SOURCE_DIR) / "tests/fixtures/data/table.csv";

std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::path(CTNN_TEST_OUTPUT_DIR) / name;
    std::ofstream(path) << text;
    return path;
}
}  // namespace

TEST_CASE("Table: a CSV with a header, the last column as target by default, or targets by name") {
    const data::Table last = data::read_csv_table(fixture);
    CHECK(last.rows == 3);
    CHECK(last.feature_count == 3);
    CHECK(last.target_names == std::vector<std::string>{"y"});
    CHECK(last.feature_names == std::vector<std::string>{"x1", "x2", "label"});
    CHECK(last.features == std::vector<float>{1.5f, 2, 0, -1, 0.5f, 1, 4, 4, 1});
    CHECK(last.targets == std::vector<float>{3.25f, -2, 8});
    const data::Table named = data::read_csv_table(fixture, {.target_names = {"label"}});
    CHECK(named.targets == std::vector<float>{0, 1, 1});
    const data::Dataset d = data::to_dataset(named);
    CHECK(d.sample_size() == 3);
    CHECK(d.labels(2) == 1);
    CHECK_THROWS_WITH_AS(data::to_dataset(last), doctest::Contains("row 0 has target 3.25"),
                         std::invalid_argument);
}

TEST_CASE("Table: sklearn's count line skipped, no header, a bad field named by line and column") {
    const auto sk = write("sk.csv", "3,2,a,b\n1,2,0\n3,4,1\n5,6,0\n");
    const data::Table t = data::read_csv_table(sk, {.skip_rows = 1});
    CHECK(t.rows == 3);
    CHECK(t.feature_names[0] == "column 0");
    const auto bad = write("bad.csv", "a,b\n1,2\n3,x\n");
    CHECK_THROWS_WITH_AS(data::read_csv_table(bad),
                         doctest::Contains("bad.csv: line 3, column 2 ('b'): 'x' is not"), data::DataError);
    const auto short_row = write("short.csv", "a,b,c\n1,2,3\n4,5\n");
    CHECK_THROWS_WITH_AS(data::read_csv_table(short_row), doctest::Contains("line 3: 2 fields, expected 3"),
                         data::DataError);
    CHECK_THROWS_WITH_AS(data::read_csv_table(fixture, {.target_names = {"z"}}),
                         doctest::Contains("no column named 'z'"), data::DataError);
}

TEST_CASE("Table: from arrays, and standardized with the training set's statistics") {
    const float x[] = {1, 10, 3, 10, 5, 10}, y[] = {0, 1, 2};
    data::Table t = data::from_arrays(x, y, 3);
    CHECK(t.feature_count == 2);
    const data::Standardizer s(t);
    CHECK(s.mean()[0] == doctest::Approx(3));
    s.apply(t);
    CHECK(t.features[0] == doctest::Approx(-1.2247449));
    CHECK(t.features[1] == 0.0f);  // a constant feature: centred, not divided by 0
    CHECK_THROWS_AS(data::from_arrays(x, y, 4), std::invalid_argument);
}
