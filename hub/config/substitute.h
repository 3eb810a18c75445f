#pragma once

#include <filesystem>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/config/node.h"

namespace simpul::config {

/// Replaces `${env:NAME}` and `${file:PATH}` inside every scalar value of the
/// tree (whole or part of the text; `$${` stands for a literal `${`). A
/// scalar that received a substitution becomes `secret`. PATH is relative to
/// `base_dir` (the config file's folder); one trailing newline of the file is
/// dropped. A missing variable or unreadable file is a problem at the
/// scalar's position; the scalar then stays empty, and no message ever
/// contains a substituted value.
void substitute_secrets(node& root, const std::filesystem::path& base_dir,
                        std::vector<problem>& problems);

}  // namespace simpul::config
