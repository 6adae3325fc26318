// The program's edge: parses the command line, builds the manifest, runs the job (jobs/run.h,
// which keeps the status file), and is the one place that catches hivekeeper::Error, writes it
// to stderr and turns it into the exit code: 0 ok, 1 job failed, 2 invalid input or usage.
#pragma once

namespace hivekeeper::cli {

int run(int argc, char** argv);

}  // namespace hivekeeper::cli
