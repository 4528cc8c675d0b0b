// RUNS.TLS_REASONS (schema version 8): the tls errors of a run by reason, as JSON, given back by
// summary_from_row (so `ccload report RUN` names them as the run did).

#include <gtest/gtest.h>

#include "store/runs_row.hpp"
#include "store/schema.hpp"

namespace ccload::store::test {
namespace {

std::size_t at(TlsReason reason) { return static_cast<std::size_t>(reason); }

TEST(TlsReasonsColumn, RoundTripsByName) {
  EXPECT_GE(schema::kVersion, 8);
  stats::RunSummary summary;
  summary.requests = summary.failed = 6;
  summary.errors[static_cast<std::size_t>(ErrorCategory::tls)] = 6;
  summary.tls_reasons[at(TlsReason::expired)] = 4;
  summary.tls_reasons[at(TlsReason::other)] = 2;
  const RunsRow row = summary_columns(summary, 1'795'544'018'000'000'000);
  EXPECT_EQ(row.text("TLS_REASONS"), R"({"expired":4,"other":2})");
  const stats::RunSummary back = summary_from_row(row);
  EXPECT_EQ(back.tls_reasons, summary.tls_reasons);

  RunsRow none = row;
  none.set("TLS_REASONS", std::string("{}"));
  EXPECT_EQ(summary_from_row(none).tls_reasons, (decltype(summary.tls_reasons){}));
  RunsRow newer = row;  // a reason a newer ccload knows: kept as other
  newer.set("TLS_REASONS", std::string(R"({"quantum":3,"expired":1})"));
  const auto reasons = summary_from_row(newer).tls_reasons;
  EXPECT_EQ(reasons[at(TlsReason::other)], 3u);
  EXPECT_EQ(reasons[at(TlsReason::expired)], 1u);
}

TEST(TlsReasonsColumn, ANewDatabaseHasTheColumn) {
  EXPECT_NE(schema::create_statements().find("TLS_REASONS"), std::string::npos);
}

}  // namespace
}  // namespace ccload::store::test
