// The program's edge: parses the command line, builds the manifest, runs the job, and is the one
// place that catches hivekeeper::Error, reports it (stderr, status file, one summary line on
// stdout) and turns it into the exit code: 0 ok, 1 job failed, 2 invalid input or usage.
#pragma once

namespace hivekeeper::cli {

int run(int argc, char** argv);

}  // namespace hivekeeper::cli
