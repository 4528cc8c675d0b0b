// The reports of a run of several targets: the terminal's Targets table, the JSON's "targets"
// objects (the same shape as the whole, minus what is the run's), the CSV's row per target and
// the HTML's table and charts; and redirects in each.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "report/csv_summary.hpp"
#include "report/html_report.hpp"
#include "report/json_summary.hpp"
#include "report/terminal.hpp"
#include "report/time_text.hpp"
#include "summary_fixture.hpp"

namespace ccload::report {
namespace {

using nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

std::string terminal(const stats::RunSummary& summary) {
  std::ostringstream out;
  print_report(out, summary);
  return out.str();
}

TEST(Targets, TheFixtureIsARunOfThreeTargets) {
  const stats::RunSummary s = test::targets_summary(test::golden_targets());
  ASSERT_EQ(s.target_count(), 3u);
  ASSERT_EQ(s.targets.size(), 3u);
  EXPECT_EQ(s.requests, 150u);
  EXPECT_EQ(s.targets[0].requests + s.targets[1].requests + s.targets[2].requests, 150u);
  EXPECT_EQ(s.targets[1].failed, 7u) << "every 7th of its 50: 503";
  EXPECT_EQ(s.targets[2].failed, 5u) << "every 10th of its 50: the redirect limit";
  EXPECT_EQ(s.targets[2].redirected, 50u);
  EXPECT_EQ(s.redirected, 50u);
}

TEST(Targets, TheTerminalHasOneAlignedRowPerTarget) {
  const stats::RunSummary s = test::targets_summary(test::golden_targets());
  const std::vector<std::string> lines = lines_of(terminal(s));
  const auto heading = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.rfind("Targets (3 in turn;", 0) == 0;
  });
  ASSERT_NE(heading, lines.end());
  ASSERT_GE(lines.end() - heading, 6);
  const std::vector<std::string> table(heading + 2, heading + 6);  // after the rule
  EXPECT_EQ(table[0].substr(0, 14), "#  Method  URL");
  for (const auto& row : table) {
    EXPECT_EQ(row.size(), table[0].size()) << "aligned columns:\n" << row;
  }
  // Column by column: the rows' cells end where the header's do.
  const auto ends_of = [](const std::string& row) {
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      if (row[i] != ' ' && row[i + 1] == ' ') ends.push_back(i);
    }
    ends.push_back(row.size() - 1);
    return ends;
  };
  const std::vector<std::size_t> header_ends = ends_of(table[0]);
  const std::size_t requests_end = header_ends[3];  // #, Method, URL, Requests
  for (std::size_t i = 1; i < table.size(); ++i) EXPECT_EQ(ends_of(table[i])[3], requests_end);

  EXPECT_NE(table[1].find("1  GET     http://127.0.0.1:8080/get?page=1&size=20  "),
            std::string::npos)
      << table[1];
  EXPECT_NE(table[2].find("2  POST    http://127.0.0.1:8080/...123456789abcdef        50"),
            std::string::npos)
      << "a long URL is cut to 40 characters, its host whole:\n"
      << table[2];
  EXPECT_NE(table[3].find("3  GET     http://127.0.0.1:8080/redirect/2    "), std::string::npos);
  // Requests, failed, req/s and the total's mean/p50/p95/p99 in ms, from the target's summary.
  const stats::RunSummary& second = s.targets[1];
  std::istringstream cells(table[2].substr(table[2].find("abcdef") + 6));
  std::string requests, failed, rps, mean, p50, p95, p99;
  cells >> requests >> failed >> rps >> mean >> p50 >> p95 >> p99;
  EXPECT_EQ(requests, "50");
  EXPECT_EQ(failed, "7");
  EXPECT_EQ(rps, "20.0");
  EXPECT_EQ(mean, fmt::format("{:.3f}", second.total.figures.mean * 1e3));
  EXPECT_EQ(p50, fmt::format("{:.3f}", second.total.figures.p50 * 1e3));
  EXPECT_EQ(p95, fmt::format("{:.3f}", second.total.figures.p95 * 1e3));
  EXPECT_EQ(p99, fmt::format("{:.3f}", second.total.figures.p99 * 1e3));
}

TEST(Targets, TheTerminalShowsRedirectsAndTheRedirectCategory) {
  const std::string text = terminal(test::targets_summary(test::golden_targets()));
  EXPECT_NE(text.find("Redirected:  50 requests followed redirects (up to 3 hops each).\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nTransport Errors\n"), std::string::npos);
  EXPECT_NE(text.find(fmt::format("  {:<20}{:>18}\n", "redirect", 5)), std::string::npos);
}

TEST(Targets, ARunOfOneTargetHasNoTargetsTableNorRedirectLine) {
  const std::string text = terminal(test::golden_summary());
  EXPECT_EQ(text.find("Targets"), std::string::npos);
  EXPECT_EQ(text.find("Redirected"), std::string::npos);
}

// The cut falls inside a two-byte character at the start (the first URL) and inside a
// three-byte one at the end (the second); the rows still line up by characters.
TEST(Targets, ACutURLKeepsWholeUtf8Characters) {
  stats::RunSummary s = test::targets_summary(
      {{"GET",
        "http://h/" + std::string(8, 'a') + "\xC3\xA9\xC3\xA9\xC3\xA9" + std::string(50, 'b')},
       {"GET", "http://h/" + std::string(40, 'a') + "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC" +
                   std::string(11, 'b')}});
  const auto characters = [](const std::string& line) {
    return std::count_if(line.begin(), line.end(),
                         [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  };
  std::vector<std::string> rows;
  for (const auto& line : lines_of(terminal(s))) {
    if (line.find("http://h/") == std::string::npos || line.find(" | ") != std::string::npos) {
      continue;  // not a row of the Targets table
    }
    rows.push_back(line);
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto byte = static_cast<unsigned char>(line[i]);
      if (byte >= 0xC0) {  // a lead byte: its continuation bytes follow it
        const std::size_t length = byte >= 0xE0 ? 3 : 2;
        ASSERT_LE(i + length, line.size());
        for (std::size_t k = 1; k < length; ++k) {
          EXPECT_EQ(static_cast<unsigned char>(line[i + k]) & 0xC0, 0x80) << line;
        }
        i += length - 1;
      } else {
        EXPECT_LT(byte, 0x80) << "a continuation byte without its lead: " << line;
      }
    }
  }
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[0].find("http://h/aaaaaaaa..."), std::string::npos) << rows[0];
  EXPECT_NE(rows[1].find("...\xE2\x82\xAC\xE2\x82\xAC"
                         "bbbbbbbbbbb "),
            std::string::npos)
      << rows[1];
  EXPECT_EQ(characters(rows[0]), characters(rows[1])) << rows[0] << "\n" << rows[1];
}

TEST(Targets, JsonTargetsHaveTheWholesKeysButTheRunsOwn) {
  const stats::RunSummary s = test::targets_summary(test::golden_targets());
  const json whole = summary_json(s);
  ASSERT_TRUE(whole.contains("targets"));
  const json& targets = whole["targets"];
  ASSERT_TRUE(targets.is_array());
  ASSERT_EQ(targets.size(), 3u);
  // The exclusions, as documented in json_summary.hpp (the whole here has storage, thresholds,
  // a generator and findings, so most of them are there to leave out).
  const std::set<std::string> run_only = {"database",     "run_id",      "stored",
                                          "fallback",     "run_name",    "shard",
                                          "shards",       "shard_count", "start_at",
                                          "start_late_s", "thresholds",  "thresholds_passed",
                                          "generator",    "findings",    "connections_opened",
                                          "targets",      "baseline"};
  EXPECT_EQ(std::set<std::string>(kRunOnlyKeys.begin(), kRunOnlyKeys.end()), run_only);
  std::set<std::string> expected;
  for (const auto& key : keys(whole)) {
    if (!run_only.count(key)) expected.insert(key);
  }
  for (const std::string present : {"database", "thresholds", "generator", "findings"}) {
    EXPECT_TRUE(whole.contains(present)) << present;
  }
  for (std::size_t t = 0; t < 3; ++t) {
    const json& target = targets[t];
    const stats::RunSummary& own = s.targets[t];
    EXPECT_EQ(keys(target), expected) << "target " << t + 1;
    for (const std::string nested : {"requests", "latency"}) {
      EXPECT_EQ(keys(target[nested]), keys(whole[nested])) << nested;
    }
    EXPECT_EQ(keys(target["latency"]["total"]), keys(whole["latency"]["total"]));
    EXPECT_EQ(target["url"], test::golden_targets()[t].url);
    EXPECT_EQ(target["method"], test::golden_targets()[t].method);
    EXPECT_EQ(target["requests"]["total"], own.requests);
    EXPECT_EQ(target["requests"]["failed"], own.failed);
    EXPECT_EQ(target["redirected"], own.redirected);
    EXPECT_EQ(target["max_redirects"], 3);
    EXPECT_EQ(target["rps"], own.rps);
    EXPECT_EQ(target["latency"]["total"]["p99"], own.total.figures.p99);
    EXPECT_EQ(target["timeline"].size(), own.timeline.size());
  }
  EXPECT_EQ(targets[1]["status_codes"], json({{"201", 43}, {"503", 7}}));
  EXPECT_EQ(targets[2]["errors"], json({{"redirect", 5}}));
  EXPECT_EQ(whole["errors"]["redirect"], 5);
  EXPECT_EQ(whole["redirected"], 50);
  EXPECT_EQ(whole["max_redirects"], 3);
  EXPECT_EQ(whole["url"], test::golden_targets()[0].url) << "the whole keeps its keys";
}

TEST(Targets, JsonOfOneTargetHasNoTargetsKey) {
  const json whole = summary_json(test::golden_summary());
  EXPECT_FALSE(whole.contains("targets"));
  EXPECT_EQ(whole["redirected"], 0);
  EXPECT_EQ(whole["max_redirects"], 0);
}

std::vector<std::string> cells(const std::string& line) {  // no quoted commas in these rows
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(Targets, CsvHasTheTotalRowThenOneRowPerTarget) {
  const stats::RunSummary s = test::targets_summary(test::golden_targets());
  const std::vector<std::string> header = cells(csv_header());
  const std::vector<std::string> rows = csv_rows(s);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(csv_row(s), rows[0] + "\n" + rows[1] + "\n" + rows[2] + "\n" + rows[3]);
  auto at = [&](std::size_t row, const std::string& column) {
    const std::vector<std::string> values = cells(rows[row]);
    EXPECT_EQ(values.size(), header.size());
    const auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end()) {
      ADD_FAILURE() << "no column " << column;
      return std::string();
    }
    return values[static_cast<std::size_t>(it - header.begin())];
  };
  ASSERT_GE(header.size(), 4u);
  EXPECT_EQ(header[header.size() - 4], "redirected");
  EXPECT_EQ(header[header.size() - 3], "target");
  EXPECT_EQ(header[header.size() - 2], "stop_signal");
  EXPECT_EQ(header.back(), "dropped");
  EXPECT_EQ(at(0, "target"), "total");
  EXPECT_EQ(at(0, "url"), "") << "the whole of several targets is no one target's";
  EXPECT_EQ(at(0, "method"), "");
  EXPECT_EQ(at(0, "requests"), "150");
  EXPECT_EQ(at(0, "redirected"), "50");
  for (std::size_t t = 0; t < 3; ++t) {
    EXPECT_EQ(at(t + 1, "target"), std::to_string(t + 1));
    EXPECT_EQ(at(t + 1, "url"), test::golden_targets()[t].url);
    EXPECT_EQ(at(t + 1, "method"), test::golden_targets()[t].method);
    EXPECT_EQ(at(t + 1, "requests"), "50");
    EXPECT_EQ(at(t + 1, "failed"), std::to_string(s.targets[t].failed));
    EXPECT_EQ(at(t + 1, "rps"), "20.000");
    EXPECT_EQ(at(t + 1, "redirected"), t == 2 ? "50" : "0");
    EXPECT_EQ(at(t + 1, "total_p99_s"), fmt::format("{:.6f}", s.targets[t].total.figures.p99));
    EXPECT_EQ(at(t + 1, "started_utc"), at(0, "started_utc")) << "which run: the same start";
  }
}

TEST(Targets, CsvOfOneTargetIsOneTotalRowNamingIt) {
  const std::vector<std::string> rows = csv_rows(test::golden_summary());
  ASSERT_EQ(rows.size(), 1u);
  const std::vector<std::string> values = cells(rows[0]);
  ASSERT_GE(values.size(), 3u);
  EXPECT_EQ(values[values.size() - 3], "total") << "then stop_signal and dropped";
  EXPECT_EQ(values[1], "http://127.0.0.1:8080/get?page=1&size=20");
}

TEST(Targets, ACsvFileWithTheOlderHeaderGetsItsOwnMessage) {
  const std::string path = ::testing::TempDir() + "ccload_targets_test.csv";
  std::string old_header = csv_header();
  old_header.erase(old_header.size() -
                   std::string(",redirected,target,stop_signal,dropped").size());
  const auto problem_with = [&](const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
    return csv_header_problem(path);
  };
  const auto old = problem_with(old_header + "\r\n2026-11-29T14:41:36.123Z,http://h/,GET\r\n");
  ASSERT_TRUE(old.has_value());
  EXPECT_NE(old->find("older ccload"), std::string::npos) << *old;
  EXPECT_NE(old->find("redirected,target"), std::string::npos) << *old;
  // The header of several targets, before stop_signal and dropped.
  std::string targets_header = csv_header();
  targets_header.erase(targets_header.size() - std::string(",stop_signal,dropped").size());
  const auto before_stop = problem_with(targets_header + "\n2026-11-29T14:41:36.123Z,h\n");
  ASSERT_TRUE(before_stop.has_value());
  EXPECT_NE(before_stop->find("older ccload"), std::string::npos) << *before_stop;
  EXPECT_NE(before_stop->find("\",stop_signal,dropped\" to its first line"), std::string::npos)
      << *before_stop;
  EXPECT_EQ(problem_with(csv_header() + "\n"), std::nullopt);
  EXPECT_EQ(problem_with("\xEF\xBB\xBF" + csv_header() + "\r\n"), std::nullopt);
  const auto other = problem_with("a,b,c\n");
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->find("holds other data"), std::string::npos) << *other;
  EXPECT_EQ(problem_with(""), std::nullopt) << "an empty file gets the header";
  std::remove(path.c_str());
}

// The targets table scrolls inside the page when too wide; its URLs wrap only at a '/', '?', '&'
// or '=' (never at any character: no break-all) and its figures never wrap.
TEST(Targets, HtmlTableWrapsUrlsAtSeparatorsAndScrolls) {
  const stats::RunSummary s = test::targets_summary(test::golden_targets());
  const std::string html = html_report(s);
  EXPECT_NE(html.find("<div class=\"scroll\"><table class=\"targets\">"), std::string::npos);
  EXPECT_EQ(html.find("break-all"), std::string::npos);
  EXPECT_NE(html.find(".targets td.url{min-width:14ch;white-space:normal}"), std::string::npos)
      << "the URL cell alone wraps; every other cell keeps the page's nowrap";
  EXPECT_NE(html.find("http://127.0.0.1:8080/<wbr>redirect/<wbr>2</td>"), std::string::npos)
      << "none inside the scheme or a segment, none at the end";
}

TEST(Targets, HtmlHasTheTableAndOneChartPerTarget) {
  const stats::RunSummary s = test::targets_summary(test::golden_targets());
  const std::string html = html_report(s);
  EXPECT_NE(html.find("<h2>Targets</h2>"), std::string::npos);
  EXPECT_EQ(count(html, "<td class=\"text url\">"), 3u) << "one row per target";
  EXPECT_NE(html.find("<tr><td>2</td><td class=\"text\">POST</td><td class=\"text "
                      "url\">http://127.0.0.1:8080/<wbr>api/<wbr>v1/<wbr>"
                      "orders/<wbr>checkout/<wbr>confirm?<wbr>session=<wbr>0123456789abcdef</"
                      "td><td>50</td><td>7</td>"
                      "<td>20.0</td>"),
            std::string::npos)
      << "the URL whole (a line may break after a '/', '?', '&' or '='), the counts and rate";
  EXPECT_NE(
      html.find(fmt::format("<td>{}</td></tr>", duration_text(s.targets[2].total.figures.p99))),
      std::string::npos);
  EXPECT_EQ(count(html, "aria-label=\"latency by percentile\""), 1u) << "the whole's";
  EXPECT_EQ(count(html, "aria-label=\"latency by percentile: "), 3u) << "one per target";
  // The targets' charts share one latency axis (target 1's alone would end at 2 ms).
  for (auto at = html.find("aria-label=\"latency by percentile: "); at != std::string::npos;
       at = html.find("aria-label=\"latency by percentile: ", at + 1)) {
    const std::string chart = html.substr(at, html.find("</svg>", at) - at);
    EXPECT_NE(chart.find(">10 ms</text>"), std::string::npos) << chart.substr(0, 200);
  }
  EXPECT_NE(
      html.find("<h3 class=\"target\">3. GET http://127.0.0.1:8080/<wbr>redirect/<wbr>2</h3>"),
      std::string::npos);
  EXPECT_NE(html.find("aria-label=\"latency by percentile: GET "
                      "http://127.0.0.1:8080/get?page=1&amp;size=20\""),
            std::string::npos);
  EXPECT_NE(html.find("<p>50 requests followed redirects (up to 3 hops each).</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>redirect</td><td>5</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<title>ccload: GET http://127.0.0.1:8080/get?page=1&amp;size=20 and 2 "
                      "more targets</title>"),
            std::string::npos);
}

TEST(Targets, HtmlEscapesEveryTargetsText) {
  const stats::RunSummary s =
      test::targets_summary({{"GET", "http://h/a"},
                             {"X<B>", "http://h/<script>alert('x')</script>?a=1&b=\"2\""},
                             {"GET", "http://h/c"}});
  const std::string html = html_report(s);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<B>"), std::string::npos);
  EXPECT_EQ(count(html,
                  "http://h/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;?a=1&amp;b=&quot;"
                  "2&quot;"),
            1u)
      << "the chart's label (the table and the heading have line-break opportunities)";
  EXPECT_NE(html.find("<td class=\"text url\">http://h/<wbr>&lt;script&gt;alert(&#39;x&#39;)&lt;/"
                      "<wbr>script&gt;?<wbr>a=<wbr>1&amp;<wbr>b=<wbr>&quot;2&quot;</td>"),
            std::string::npos)
      << "the table's cell, with its break opportunities";
  EXPECT_EQ(count(html, "http://h/<wbr>&lt;script&gt;alert(&#39;x&#39;)&lt;/<wbr>script&gt;"), 2u)
      << "the table and the heading";
  EXPECT_NE(html.find("<td class=\"text\">X&lt;B&gt;</td>"), std::string::npos);
}

TEST(Targets, HtmlOfOneTargetHasNoTargetsSection) {
  const std::string html = html_report(test::golden_summary());
  EXPECT_EQ(html.find("Targets"), std::string::npos);
  EXPECT_EQ(html.find("redirects"), std::string::npos);
  EXPECT_EQ(count(html, "latency by percentile"), 1u);
}

}  // namespace
}  // namespace ccload::report
