// DataError: the one exception type the data loaders throw. Its message starts with the
// file (and line or index where that applies) and then says what is wrong with it, e.g.
// "data/mnist/train-labels-idx1-ubyte: truncated data: expected 60000 bytes, found 59990".
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ctnn::data {

class DataError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

namespace detail {

// "<file>: <what>"; the path is printed as given (no quotes) so messages stay greppable.
inline DataError data_error(const std::filesystem::path& file, const std::string& what) {
    return DataError(file.string() + ": " + what);
}

}  // namespace detail
}  // namespace ctnn::data
