#pragma once
// The CLI for finance (docs/ledger.md): `payledger verify`, `payledger reconcile` and
// `payledger export`, each reading a data directory through a RocksDB follower, so payledgerd
// may keep running on it.
#include <CLI/CLI.hpp>

namespace payledger::cli {

// Adds the three subcommands to `app`; each runs when parsed and sets `*exit_code`.
// REQUIRES: `exit_code` outlives the parse.
void add_finance_commands(CLI::App& app, int* exit_code);

}  // namespace payledger::cli
