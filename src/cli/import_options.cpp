// `ccload import FILE...`: its options.

#include "cli/subcommands.hpp"

namespace ccload::cli {

ImportOptions::ImportOptions(CLI::App& app) {
  app_ = app.add_subcommand(
      "import",
      "Store fallback files (ccload-fallback-*.ndjson) in the database: the rows a run could not "
      "store there, with the run.");
  app_->add_option("files", import_.files, "Fallback files, as the run named them")->required();
  app_->add_option("--db", import_.database,
                   "SQLite database or postgresql:// URL (default: DATABASE_URL, else load.db)");
}

}  // namespace ccload::cli
