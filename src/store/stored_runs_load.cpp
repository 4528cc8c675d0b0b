#include "store/stored_runs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "stats/merge.hpp"
#include "store/history_data.hpp"
#include "store/loadtest_sql.hpp"
#include "store/sqlite_rows.hpp"

namespace ccload::store {

namespace {

std::int64_t to_ns(double seconds) { return std::llround(seconds * 1e9); }

std::optional<double> optional_column(const sql::Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return s.column_double(column);
}

// A summary built from a run's stored requests: exact percentiles, counts by status and error.
// Its clock starts at the first request's start, or at `origin_ns` (Unix ns) when given and not
// later: the run's wall time and its timeline's seconds count from there.
stats::RunSummary summary_from_requests(const std::vector<StoredRequest>& rows,
                                        std::optional<std::int64_t> origin_ns = std::nullopt) {
  stats::RunSummary s;
  std::vector<std::int64_t> total, ttfb, ttlb, connect;
  double first = 0, last = 0;
  for (const auto& r : rows) {
    ++s.requests;
    s.bytes += static_cast<std::uint64_t>(std::max<std::int64_t>(r.bytes, 0));
    const bool transport_error = r.status == 0 && !r.error.empty();
    if (is_success_status(r.status) && r.error.empty()) {
      ++s.succeeded;
    } else {
      ++s.failed;
    }
    if (transport_error) {
      bool known = false;
      for (int i = 1; i < kErrorCategoryCount; ++i) {
        if (to_string(static_cast<ErrorCategory>(i)) == r.error) {
          ++s.errors[static_cast<std::size_t>(i)];
          known = true;
        }
      }
      if (!known) ++s.errors[static_cast<std::size_t>(ErrorCategory::protocol)];
    } else {
      ++s.status_codes[r.status];  // PyLoad's status 0 stays visible as "0"
      if (r.total_s) total.push_back(to_ns(*r.total_s));
      if (r.ttfb_s) ttfb.push_back(to_ns(*r.ttfb_s));
      if (r.ttlb_s) ttlb.push_back(to_ns(*r.ttlb_s));
    }
    if (r.connect_s && *r.connect_s > 0) connect.push_back(to_ns(*r.connect_s));
    if (r.redirects > 0) ++s.redirected;
    const double end = r.timestamp + r.total_s.value_or(0);
    if (s.requests == 1) first = r.timestamp, last = end;
    first = std::min(first, r.timestamp);
    last = std::max(last, end);
  }
  s.total = stats::timing_from_samples(total);
  s.ttfb = stats::timing_from_samples(ttfb);
  s.ttlb = stats::timing_from_samples(ttlb);
  s.connect = stats::timing_from_samples(connect);
  s.facts.started_unix_ns = to_ns(first);
  if (origin_ns && (rows.empty() || *origin_ns <= s.facts.started_unix_ns)) {
    s.facts.started_unix_ns = *origin_ns;
    first = static_cast<double>(*origin_ns) / 1e9;
    if (rows.empty()) last = first;
  }
  // To the microsecond: what the stored timestamps hold (REAL or PyLoad's text seconds near 1.8e9
  // carry no finer digit), so 9.17 s of rows is 9.17, not 9.170000076.
  s.facts.duration_s = std::round(std::max(0.0, last - first) * 1e6) / 1e6;
  s.rps = stats::requests_per_second(s.requests, s.facts.duration_s);
  for (const auto& r : rows) {  // by the second in which each request completed
    const auto second = static_cast<std::size_t>(
        std::max(0.0, std::floor(r.timestamp + r.total_s.value_or(0) - first)));
    if (second >= stats::Timeline::kMaxSeconds) continue;
    if (s.timeline.size() <= second) s.timeline.resize(second + 1);
    stats::SecondStats& st = s.timeline[second];
    ++st.requests;
    if (!(is_success_status(r.status) && r.error.empty())) ++st.failed;
    if (r.error.empty() && r.total_s) {
      ++st.responses;
      st.total_ns_sum += to_ns(*r.total_s);
      st.total_ns_max = std::max(st.total_ns_max, to_ns(*r.total_s));
    }
  }
  return s;
}

// A run of several targets rebuilt from its stored requests: the whole, and one summary per
// target (its requests, by TARGET) whose facts name it.
stats::RunSummary summary_from_requests(const std::vector<StoredRequest>& rows,
                                        const std::vector<TargetName>& targets,
                                        std::optional<std::int64_t> origin_ns) {
  stats::RunSummary s = summary_from_requests(rows, origin_ns);
  if (targets.size() < 2) return s;
  std::vector<std::vector<StoredRequest>> by_target(targets.size());
  for (const auto& r : rows) {
    if (r.target < targets.size()) by_target[r.target].push_back(r);
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    stats::RunSummary target = summary_from_requests(by_target[i], origin_ns);
    // The run's span, as a live target summary has (its rate is over the run's duration).
    target.facts.started_unix_ns = s.facts.started_unix_ns;
    target.facts.duration_s = s.facts.duration_s;
    target.rps = stats::requests_per_second(target.requests, s.facts.duration_s);
    target.facts.url = targets[i].url;
    target.facts.method = targets[i].method;
    s.targets.push_back(std::move(target));
  }
  return s;
}

}  // namespace

std::vector<StoredRequest> StoredRuns::requests(const RunRef& run, std::size_t limit,
                                                std::uint64_t* total) {
  std::vector<StoredRequest> out;
  std::uint64_t count = 0;
  if (!db_->has_table("LOADTEST")) {
    if (total) *total = 0;
    return out;
  }
  const bool ccload_columns = db_->has_column("LOADTEST", "RUNID");
  const std::string columns =
      ccload_columns ? "TTFB, TTLB, CONNECT, BYTES, ERROR" : "NULL, NULL, NULL, 0, NULL";
  // Version 5: the request's target and redirects.
  const std::string target_columns =
      db_->has_column("LOADTEST", "TARGET") ? "TARGET, REDIRECTS, FINAL_URL" : "NULL, NULL, NULL";
  if (run.run_id != 0) {
    auto stmt = db_->prepare(
        fmt::format("SELECT RUNREQUEST, {}, STATUS, CAST(RESPONSETIME AS DOUBLE "
                    "PRECISION), {}, URL, UPPER(REQTYPE), {} FROM LOADTEST WHERE {} "
                    "ORDER BY RUNREQUEST",
                    sql_text::timestamp(*db_), columns, target_columns, sql_text::kRunRows));
    stmt.bind(1, run.run_id);
    while (stmt.step()) {
      ++count;
      if (limit != 0 && out.size() >= limit) continue;
      StoredRequest r;
      r.request_id = static_cast<std::uint64_t>(stmt.column_int(0));
      r.timestamp = stmt.column_double(1);
      r.status = static_cast<int>(stmt.column_int(2));
      r.total_s = optional_column(stmt, 3);
      r.ttfb_s = optional_column(stmt, 4);
      r.ttlb_s = optional_column(stmt, 5);
      r.connect_s = optional_column(stmt, 6);
      r.bytes = stmt.column_int(7);
      r.error = stmt.is_null(8) ? "" : stmt.column_text(8);
      r.url = stmt.column_text(9);
      r.method = stmt.column_text(10);
      r.target = stmt.is_null(11)
                     ? 0
                     : static_cast<std::size_t>(std::max<std::int64_t>(0, stmt.column_int(11)));
      r.redirects = stmt.is_null(12)
                        ? 0
                        : static_cast<unsigned>(std::max<std::int64_t>(0, stmt.column_int(12)));
      if (r.redirects > 0 && !stmt.is_null(13)) r.final_url = stmt.column_text(13);
      out.push_back(std::move(r));
    }
  } else {
    auto stmt = db_->prepare(
        fmt::format("SELECT REQUESTID, {}, STATUS, CAST(RESPONSETIME AS DOUBLE PRECISION) FROM "
                    "LOADTEST WHERE URL = ? AND "
                    "UPPER(REQTYPE) = ?{} ORDER BY REQUESTID",
                    sql_text::timestamp(*db_), ccload_columns ? " AND RUNID IS NULL" : ""));
    stmt.bind(1, std::string_view(run.url)).bind(2, std::string_view(run.method));
    while (stmt.step()) {
      const double timestamp = stmt.column_double(1);
      if (detail::period_key(timestamp, Period::none) != run.day) continue;
      ++count;
      if (limit != 0 && out.size() >= limit) continue;
      StoredRequest r;
      r.request_id = count;
      r.timestamp = timestamp;
      r.status = static_cast<int>(stmt.column_int(2));
      r.total_s = stmt.column_double(3);
      r.url = run.url;
      r.method = run.method;
      out.push_back(std::move(r));
    }
  }
  if (total) *total = count;
  return out;
}

stats::RunSummary StoredRuns::load(const RunRef& run, std::size_t detail_rows) {
  if (!run.run_name.empty() && run.run_id == 0) return load_merged(run.run_name);
  stats::RunSummary s;
  std::optional<RunsRow> row;
  if (run.run_id != 0) {
    auto stmt = db_->prepare("SELECT * FROM RUNS WHERE RUNID = ?");
    stmt.bind(1, run.run_id);
    if (!stmt.step()) throw RunNotFound(fmt::format("run {} is not in {}", run.run_id, shown_));
    row = read_row(stmt);
  }
  try {
    if (row && row->has("HIST_TOTAL")) {
      s = summary_from_row(*row);
    } else {
      // No stored summary: PyLoad's rows, or a run whose process never wrote its end (killed:
      // cut short). Its figures are its committed rows'; what was asked comes from its RUNS row.
      stats::RunSummary identity;
      if (row) identity = summary_from_row(*row);
      // A shard of a distributed run counts its time from the shared --start-at, as the others.
      const std::optional<std::int64_t> origin = identity.facts.start_at_ns;
      s = summary_from_requests(requests(run, 0, nullptr), identity.facts.targets, origin);
      if (row) {
        const stats::RunFacts& asked = identity.facts;
        s.facts.targets = asked.targets;
        s.facts.max_redirects = asked.max_redirects;
        s.facts.concurrency = asked.concurrency;
        s.facts.requested = asked.requested;
        s.facts.duration_limit_s = asked.duration_limit_s;
        s.facts.rate = asked.rate;
        s.facts.stages = asked.stages;
        s.facts.start_rate = asked.start_rate;
        s.facts.run_name = asked.run_name;
        s.facts.shard = asked.shard;
        s.facts.shards = asked.shards;
        s.facts.start_at_ns = asked.start_at_ns;
        if (s.requests == 0 && !origin) s.facts.started_unix_ns = asked.started_unix_ns;
        s.facts.interrupted = true;  // it never finished
        s.facts.cut_short = true;
      }
      s.facts.url = row ? row->text("URL").value_or(run.url) : run.url;
      s.facts.method = row ? row->text("METHOD").value_or(run.method) : run.method;
    }
  } catch (const std::invalid_argument& e) {
    throw StoreError(
        fmt::format("{} in {} cannot be read back ({}): its rows are still there "
                    "(ccload history --run {})",
                    run.label(), shown_, e.what(), run.run_id));
  }
  s.storage.database = shown_;
  s.storage.run_id = run.run_id;
  // A run without a stored summary has the figures of its rows: every one of them is stored.
  const std::uint64_t stored_rows =
      row && row->has("HIST_TOTAL")
          ? static_cast<std::uint64_t>(row->integer("ROWS_STORED").value_or(0))
          : s.requests;
  s.storage.stored = run.run_id == 0 || s.facts.cut_short || stored_rows >= s.requests;
  if (!s.storage.stored) {
    // Where the rows the database does not hold went (version 6), said once for every reader.
    s.storage.fallback = row->text("FALLBACK_FILE").value_or("");
    const auto elsewhere = row->integer("FALLBACK_ROWS").value_or(0);
    s.notes.push_back(
        s.storage.fallback.empty()
            ? fmt::format("Only {} of the {} requests of {} are stored in {}.", stored_rows,
                          s.requests, run.label(), shown_)
            : fmt::format("Only {} of the {} requests of {} are stored in {}: the other {} are in "
                          "{} (`ccload import {}` stores them).",
                          stored_rows, s.requests, run.label(), shown_, elsewhere,
                          s.storage.fallback, s.storage.fallback));
  }
  std::uint64_t total = 0;
  for (const auto& r : requests(run, detail_rows, &total)) {
    stats::DetailRow d;
    d.request_id = r.request_id;
    d.start_unix_ns = to_ns(r.timestamp);
    d.url = r.url;
    d.method = r.method;
    d.status = r.status;
    d.error = r.error;
    d.total_s = r.total_s.value_or(0);
    s.details.push_back(std::move(d));
  }
  s.all_details = total <= s.details.size();
  return s;
}

stats::RunSummary StoredRuns::load_merged(const std::string& run_name) {
  auto shards =
      db_->prepare("SELECT RUNID, SHARDS FROM RUNS WHERE RUN_NAME = ? ORDER BY SHARD, RUNID");
  shards.bind(1, std::string_view(run_name));
  std::vector<std::int64_t> ids;
  unsigned expected = 1;
  while (shards.step()) {
    ids.push_back(shards.column_int(0));
    expected = std::max(expected, static_cast<unsigned>(shards.column_int(1)));
  }
  if (ids.empty()) throw RunNotFound(fmt::format("no run named '{}' in {}", run_name, shown_));
  std::vector<stats::RunSummary> parts;
  for (const std::int64_t id : ids) parts.push_back(load(RunRef{id, {}, {}, {}, {}}, 0));
  stats::RunSummary merged = stats::merge_shards(parts, expected);
  merged.storage.database = shown_;
  return merged;
}

}  // namespace ccload::store
