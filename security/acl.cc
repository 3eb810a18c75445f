#include "security/acl.h"

namespace simpul::security {

acl::acl(bool auth_required, const std::vector<rule>& rules) : auth_required_(auth_required) {
  for (const rule& r : rules) {
    auto& routes = routes_by_identity_[r.identity];
    routes.insert(r.routes.begin(), r.routes.end());
  }
}

acl::decision acl::check(std::string_view route, const auth_result& who) const {
  if (!auth_required_) return {auth_reason::anonymous, who ? *who : std::string()};
  if (!who) return {who.error(), {}};
  auto it = routes_by_identity_.find(*who);
  if (it != routes_by_identity_.end() && (it->second.contains(route) || it->second.contains("*")))
    return {auth_reason::ok, *who};
  return {auth_reason::forbidden, *who};
}

}  // namespace simpul::security
