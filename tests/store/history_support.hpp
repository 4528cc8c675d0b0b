#pragma once
// Databases for history tests: finished runs at chosen times through the real writer, and
// databases as the Python PyLoad leaves them.

#include <ctime>
#include <string>
#include <vector>

#include "stats/run_stats.hpp"
#include "store/run_writer.hpp"
#include "store/store_support.hpp"

namespace ccload::store::test {

// Epoch seconds of a UTC date and hour.
inline std::int64_t utc(int year, int month, int day, int hour = 12) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  return static_cast<std::int64_t>(::timegm(&tm));
}

struct Legacy {
  std::string timestamp, url;
  int status;
  std::string reqtype, responsetime;
};

// A database as the Python PyLoad leaves it: the seed's schema, text timings, lower-case methods.
inline void make_pyload_db(const fs::path& path, const std::vector<Legacy>& rows) {
  sql::Database db(path, sql::Database::Mode::read_write_create);
  db.exec(kSeedSchema);
  auto insert = db.prepare(
      "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES(?,?,?,?,?)");
  for (const auto& r : rows) {
    insert.bind(1, std::string_view(r.timestamp))
        .bind(2, std::string_view(r.url))
        .bind(3, static_cast<std::int64_t>(r.status))
        .bind(4, std::string_view(r.reqtype))
        .bind(5, std::string_view(r.responsetime));
    insert.run();
  }
}

// A finished run through the real writer: totals in ns, statuses alongside.
inline std::int64_t store_run(const fs::path& db, const std::string& url, std::int64_t started_s,
                              const std::vector<std::int64_t>& totals,
                              const std::vector<int>& statuses, const std::string& method = "GET") {
  stats::RunFacts info;
  info.url = url;
  info.method = method;
  info.requested = totals.size();
  info.concurrency = 2;
  info.started_unix_ns = unix_ns(started_s);
  RunWriter writer(db, info);
  stats::RunStats s;
  std::vector<Record> batch;
  for (std::size_t i = 0; i < totals.size(); ++i) {
    const int status = statuses.empty() ? 200 : statuses[i % statuses.size()];
    Record r =
        status == 0
            ? make_record(i + 1, unix_ns(started_s), totals[i], 0, ErrorCategory::connect)
            : make_record(i + 1, unix_ns(started_s), totals[i], static_cast<std::uint16_t>(status));
    s.add(r);
    batch.push_back(r);
  }
  writer.submit(std::move(batch));
  const auto out = finish_run(writer, s, unix_ns(started_s + 10), 10);
  EXPECT_TRUE(out.ok) << out.error;
  return out.run_id;
}

}  // namespace ccload::store::test
