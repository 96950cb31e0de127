// Bad input: a value that the user can fix. Always names where (file, JSON path) and what was
// expected; the CLI prints it and exits with status 2. Thrown only at the input edge
// (parsing, overrides), never from models.
#pragma once

#include <stdexcept>
#include <string>

namespace fleetsim::scenario {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string path, std::string message)
      : std::runtime_error(format(file, path, message)),
        file_(std::move(file)), path_(std::move(path)), message_(std::move(message)) {}
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  static std::string format(const std::string& file, const std::string& path, const std::string& message) {
    std::string out = file.empty() ? "<input>" : file;
    if (!path.empty()) out += ": " + path;
    return out + ": " + message;
  }
  std::string file_, path_, message_;
};

}  // namespace fleetsim::scenario
