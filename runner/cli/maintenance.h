// The list, verify and prune commands: the scope and rules from the command line or a manifest,
// the work in jobs/maintenance/, the output as tables or documents. Each returns the exit code.
#pragma once

#include "cli/args.h"

namespace hivekeeper::cli {

int list_command(const Invocation& invocation);
int verify_command(const Invocation& invocation);
int prune_command(const Invocation& invocation);

}  // namespace hivekeeper::cli
