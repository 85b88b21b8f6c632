// Tests for io/csv_log.hpp: header and row format, quoting, number formatting, every row on
// disk when row() returns (a child process killed without cleanup keeps every row), resuming
// with append, keep_rows, and errors that name the file.
#include <ctnn/io/csv_log.hpp>

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>

#include "scratch.hpp"

using namespace ctnn::io;
using ctnn::io::test::scratch_dir;

namespace {
std::string slurp(const std::filesystem::path& p) {
    const auto bytes = ctnn::io::test::read_all(p);
    return std::string(bytes.begin(), bytes.end());
}
}  // namespace

TEST_SUITE("io") {
    TEST_CASE("csv_log: header, rows, quoting and exact numbers") {
        const auto dir = scratch_dir("csv");
        const auto path = dir / "metrics.csv";
        {
            CsvLog log(path, {"epoch", "loss", "acc", "note"});
            CHECK(slurp(path) == "epoch,loss,acc,note\n");  // header is on disk at once
            log.row(1, 0.1f, 0.9, "warm-up");
            log.row(2, 1e-7, std::numeric_limits<double>::quiet_NaN(), std::string("lr=1e-3, \"adam\""));
            log.row(std::size_t{3}, -0.0, 1.0 / 3.0, "two\nlines");
            const double values[] = {4, 0.25, 1, 5};
            log.row_values(std::span<const double>(values));
            CHECK(log.rows() == 4);
        }
        CHECK(slurp(path) ==
              "epoch,loss,acc,note\n"
              "1,0.1,0.9,warm-up\n"
              "2,1e-07,nan,\"lr=1e-3, \"\"adam\"\"\"\n"
              "3,-0,0.3333333333333333,two lines\n"
              "4,0.25,1,5\n");
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("csv_log: every row is on disk as soon as row() returns") {
        const auto dir = scratch_dir("csv-crash");
        const auto path = dir / "metrics.csv";
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {  // child: log three rows, then die without any cleanup or stdio flush
            CsvLog log(path, {"step", "loss"});
            for (int i = 0; i < 3; ++i) log.row(i, 1.0 / (i + 1));
            _exit(7);
        }
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 7);
        CHECK(slurp(path) == "step,loss\n0,1\n1,0.5\n2,0.3333333333333333\n");
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("csv_log: append resumes a log with the same header") {
        const auto dir = scratch_dir("csv-append");
        const auto path = dir / "metrics.csv";
        {
            CsvLog log(path, {"epoch", "loss"});
            log.row(1, 0.5);
            log.row(2, 0.25);
        }
        SUBCASE("matching header keeps the rows") {
            CsvLog log(path, {"epoch", "loss"}, /*append=*/true);
            CHECK(log.rows() == 2);
            log.row(3, 0.125);
            CHECK(log.rows() == 3);
            CHECK(slurp(path) == "epoch,loss\n1,0.5\n2,0.25\n3,0.125\n");
        }
        SUBCASE("a torn last line from a crash is dropped") {
            std::ofstream(path, std::ios::app) << "3,0.1";
            CsvLog log(path, {"epoch", "loss"}, true);
            CHECK(log.rows() == 2);
            log.row(3, 0.125);
            CHECK(slurp(path) == "epoch,loss\n1,0.5\n2,0.25\n3,0.125\n");
        }
        SUBCASE("a different header is refused, naming the file, and the file is untouched") {
            const std::string before = slurp(path);
            CHECK_THROWS_WITH_AS(CsvLog(path, {"epoch", "loss", "acc"}, true),
                                 doctest::Contains("metrics.csv: existing header 'epoch,loss' differs from "
                                                   "'epoch,loss,acc'"),
                                 IoError);
            CHECK(slurp(path) == before);
        }
        SUBCASE("append=false starts afresh") {
            CsvLog log(path, {"epoch", "loss"});
            CHECK(log.rows() == 0);
            CHECK(slurp(path) == "epoch,loss\n");
        }
        SUBCASE("keep_rows cuts a resumed log back to the checkpoint's epoch") {
            {
                CsvLog log(path, {"epoch", "loss"}, true);
                log.row(3, 0.125);
                log.row(4, 0.0625);
            }
            CsvLog log(path, {"epoch", "loss"}, true);
            CHECK(log.rows() == 4);
            log.keep_rows(5);  // more than there are: nothing changes
            CHECK(log.rows() == 4);
            log.keep_rows(2);
            CHECK(log.rows() == 2);
            CHECK(slurp(path) == "epoch,loss\n1,0.5\n2,0.25\n");
            log.row(3, 0.5);
            CHECK(slurp(path) == "epoch,loss\n1,0.5\n2,0.25\n3,0.5\n");
            log.keep_rows(0);
            CHECK(slurp(path) == "epoch,loss\n");
        }
        SUBCASE("append to a missing or empty file writes the header") {
            CsvLog fresh(dir / "new.csv", {"a"}, true);
            fresh.row("x");
            CHECK(slurp(dir / "new.csv") == "a\nx\n");
            ctnn::io::test::write_all(dir / "empty.csv", "");
            CsvLog empty(dir / "empty.csv", {"a"}, true);
            CHECK(slurp(dir / "empty.csv") == "a\n");
        }
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("csv_log: errors name the file") {
        const auto dir = scratch_dir("csv-errors");
        CHECK_THROWS_WITH_AS(CsvLog(dir / "no" / "such" / "log.csv", {"a"}),
                             doctest::Contains("log.csv: cannot create a temporary file"), IoError);
        CHECK_THROWS_WITH_AS(CsvLog(dir / "x.csv", {}), doctest::Contains("x.csv: a CSV log needs"), IoError);
        CsvLog log(dir / "m.csv", {"a", "b"});
        CHECK_THROWS_WITH_AS(log.row(1), doctest::Contains("m.csv: row has 1 values for 2 columns"), IoError);
        CHECK(log.rows() == 0);
        CHECK(detail::csv_escape(" padded") == "\" padded\"");
        CHECK(detail::csv_cell(true) == "true");
        std::filesystem::remove_all(dir);
    }
}
