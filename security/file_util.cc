#include "security/file_util.h"

#include <fstream>
#include <sstream>

namespace simpul::security {

result<std::string> read_whole_file(const std::string& path, const std::string& code) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(code, "cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(code, "read error on '" + path + "'");
  return std::move(ss).str();
}

}  // namespace simpul::security
