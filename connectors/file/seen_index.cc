#include "connectors/file/seen_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <openssl/evp.h>

namespace simpul::connectors::file {

result<seen_index> seen_index::open(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return make_error("file.io", "cannot create " + path.parent_path().string() + ": " + ec.message());
  seen_index idx;
  idx.path_ = path;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() >= 64) idx.seen_.insert(line.substr(0, 64));
  }
  return idx;
}

result<void> seen_index::add(const std::string& sha256, const std::string& name) {
  std::string line = sha256 + " " + name + "\n";
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fdatasync(fd) == 0;
  int err = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) return make_error("file.io", "cannot write " + path_.string() + ": " + std::strerror(err));
  seen_.insert(sha256);
  return {};
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace simpul::connectors::file
