#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "security/auth_reason.h"

namespace simpul::security {

/// Per-route access control: identity -> routes it may use.
///
/// Deny by default once any authentication is configured: with
/// `auth_required`, a request needs a valid identity (else 401 with the
/// authenticator's reason) AND a rule naming the route or "*" (else 403
/// `forbidden`). Without `auth_required` every request passes as
/// `anonymous` — the state of a hub with no auth config at all.
///
/// Lifecycle: built from config, immutable; share as shared_ptr<const acl>
/// and replace on reload. Threading: `check` is const, any thread.
class acl {
 public:
  struct rule {
    std::string identity;
    std::vector<std::string> routes;  ///< "*" allows every route
  };
  struct decision {
    auth_reason reason = auth_reason::ok;
    std::string identity;
    bool allowed() const { return reason == auth_reason::ok || reason == auth_reason::anonymous; }
    int status() const { return http_status(reason); }
  };

  acl() = default;  ///< no auth configured: everything is anonymous
  acl(bool auth_required, const std::vector<rule>& rules);

  /// `who` is what the authenticator returned for this request.
  decision check(std::string_view route, const auth_result& who) const;
  bool auth_required() const { return auth_required_; }

 private:
  bool auth_required_ = false;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> routes_by_identity_;
};

}  // namespace simpul::security
