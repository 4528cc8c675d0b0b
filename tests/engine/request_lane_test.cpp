// The request lane on simulated time with an in-memory session (Nighthawk's sequencer tests): its
// slots, pacing, timeout, the retry of a request a kept-alive connection lost, and redirects. No
// socket, no wall clock: the session moves a simulated clock by each response's latency, and the
// lane's deadline is checked as the worker's watchdog would, at the simulated instant.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <functional>
#include <map>

#include "engine/engine.hpp"
#include "engine/request_lane.hpp"
#include "engine/worker.hpp"
#include "request/data_set.hpp"
#include "request/run_templates.hpp"

namespace ccload::engine {
namespace {

using namespace std::chrono_literals;

constexpr Clock::time_point kStart = Clock::time_point{} + 1h;

// A request as the in-memory session saw it (parsed from the HTTP/1.1 bytes).
struct Seen {
  std::string method, host, path, body;
  bool away = false;          // sent over the hop connection (another origin)
  bool content_type = false;  // had a Content-Type field
  Clock::time_point at{};     // when it was sent
};

// What the in-memory server answers.
struct Reply {
  int status = 200;
  std::string location = {};
  Clock::duration latency = 10ms;
  bool stale = false;     // the connection turns out closed before any response byte
  bool hang = false;      // no answer until the lane's deadline
  bool refused = false;   // not processed, on any connection (HTTP/2's REFUSED_STREAM)
  std::string body = {};  // the captured body response() gives (Env::response)
};

class FakeEnv {
 public:
  FakeEnv(SharedRun& run, Origin& origin) : run_(run), origin_(origin) {}

  // The lane's Env (request_lane.hpp).
  SharedRun& shared() { return run_; }
  Origin& origin() { return origin_; }
  std::uint64_t& dropped() { return dropped_; }
  void on_request_started() { ++started; }
  core::WorkerScript* script() const { return script_for_lane; }
  Clock::time_point now() const { return now_; }
  Task<bool> pace_until(Clock::time_point due) {
    paced.push_back(due);
    now_ = std::max(now_, due);
    co_return !stop;
  }
  bool ready() const { return open_; }
  Task<ErrorCategory> open(Record& record) {
    ++connects;
    now_ += connect_time;
    record.connect_ns += nanoseconds(connect_time);
    open_ = true;
    on_connection_ = 0;
    co_return ErrorCategory::none;
  }
  Task<ExchangeOutcome> exchange(const RequestRef& request, Record& record, ExchangeTimes& times) {
    co_return serve(request, record, times, false);
  }
  Task<ExchangeOutcome> exchange_away(const net::Target&, const RequestRef& request, Record& record,
                                      ExchangeTimes& times) {
    open_ = false;  // the lane's own connection closes first
    co_return serve(request, record, times, true);
  }
  const std::string& location() const { return location_; }
  const std::string& away_location() const { return away_location_; }
  core::ServerResponse response(bool away) {
    core::ServerResponse response;
    response.body = away ? away_body_ : body_;
    return response;
  }
  void end_hops() { ++hops_ended; }
  void abort() {
    ++aborts;
    open_ = false;
  }
  void on_record(Record&& record, Clock::time_point finished) {
    EXPECT_EQ(finished, now_);
    records.push_back(std::move(record));
  }

  void run_lane() {
    boost::asio::io_context io;
    RequestLane<FakeEnv> lane(*this);
    lane_ = &lane;
    boost::asio::co_spawn(io.get_executor(), lane.run(), boost::asio::detached);
    io.run();
    lane_ = nullptr;
  }

  std::function<Reply(const Seen&)> server = [](const Seen&) { return Reply{}; };
  core::WorkerScript* script_for_lane = nullptr;
  Clock::duration connect_time = 1ms;
  bool stop = false;
  unsigned connects = 0, aborts = 0, hops_ended = 0;
  std::vector<Clock::time_point> paced;
  std::uint64_t started = 0;  // on_request_started() calls
  std::vector<Seen> seen;
  std::vector<Record> records;

 private:
  static Seen parse(std::string_view bytes) {
    Seen s;
    const auto space = bytes.find(' ');
    s.method = std::string(bytes.substr(0, space));
    s.path = std::string(bytes.substr(space + 1, bytes.find(' ', space + 1) - space - 1));
    const auto host = bytes.find("Host: ");
    s.host = std::string(bytes.substr(host + 6, bytes.find("\r\n", host) - host - 6));
    s.content_type = bytes.find("Content-Type:") != std::string_view::npos;
    s.body = std::string(bytes.substr(bytes.find("\r\n\r\n") + 4));
    return s;
  }

  ExchangeOutcome serve(const RequestRef& request, Record& record, ExchangeTimes& times,
                        bool away) {
    Seen s = parse(request.http1);
    s.away = away;
    s.at = now_;
    seen.push_back(s);
    times.sent = now_;
    const Clock::time_point from = times.from == Clock::time_point{} ? now_ : times.from;
    const Reply reply = server(s);
    const bool reused = !away && on_connection_++ > 0;
    if ((reply.stale && reused) || reply.refused) {
      open_ = false;
      record.error = ErrorCategory::read;
      times.finished = now_;
      return ExchangeOutcome::retryable;
    }
    if (reply.hang) {  // the watchdog fires at the deadline and aborts the connection
      now_ = lane_->deadline();
      lane_->expire_if_due(now_);
      record.error = ErrorCategory::read;
      times.finished = now_;
      return ExchangeOutcome::failed;
    }
    now_ += reply.latency;
    record.status = static_cast<std::uint16_t>(reply.status);
    record.ttfb_ns = record.ttlb_ns = nanoseconds(now_ - from);
    (away ? away_location_ : location_) = reply.location;
    (away ? away_body_ : body_) = reply.body;
    times.finished = now_;
    return ExchangeOutcome::complete;
  }

  SharedRun& run_;
  Origin& origin_;
  std::uint64_t dropped_ = 0;
  Clock::time_point now_ = kStart;
  bool open_ = false;
  unsigned on_connection_ = 0;
  std::string location_, away_location_, body_, away_body_;
  RequestLane<FakeEnv>* lane_ = nullptr;
};

// One target on http://a.test, planned as the engine plans it (closed model unless `rate`).
struct LaneRun {
  EngineConfig config;
  SharedRun run{.config = config};
  std::unique_ptr<FakeEnv> env;

  explicit LaneRun(std::uint64_t n, std::optional<double> rate = std::nullopt,
                   TargetSpec target = {.url = "http://a.test/start"}) {
    config.targets.push_back(std::move(target));
    config.requests = n;
    config.timeout_s = 2;
    run.targets.resize(1);
    TargetRoute& route = run.targets[0];
    const std::string_view url = config.targets[0].url;
    if (request::has_fields(url)) {  // a template: its origin here, its request per slot
      route.where = net::parse_target(url.substr(0, request::authority_size(url)));
    } else {
      route.where = net::parse_target(url);
      route.request = build_request(config.targets[0], route.where);
    }
    route.head = config.targets[0].method == "HEAD";
    Origin& origin = run.origins.emplace_back();
    origin.lane = {0};
    origin.address.where = route.where;
    run.started = kStart;
    run.slot_limit = n;
    if (rate) {
      run.schedule = Schedule::constant(*rate, 0);
      run.timetable = Timetable<Clock>(&run.schedule, kStart);
    }
    env = std::make_unique<FakeEnv>(run, run.origins.front());
  }

  // The target's URL, headers and body are templates, with `csv` as the data file (issue 21).
  LaneRun(std::uint64_t n, TargetSpec target, const std::string& csv,
          request::RowOrder order = request::RowOrder::sequential)
      : LaneRun(n, std::nullopt, target) {
    auto data = std::make_shared<const request::DataSet>(
        request::parse_data(csv, request::DataFormat::csv, "rows.csv"));
    config.seed = 5;
    config.templates =
        request::compile_templates(config.targets, data, "rows.csv", order, {}, config.seed);
    run.targets[0].where = config.templates->targets[0].where;
    run.origins.front().address.where = run.targets[0].where;
    env = std::make_unique<FakeEnv>(run, run.origins.front());
  }
};

TEST(RequestLane, TakesEverySlotOnceInOrderOverOneConnection) {
  LaneRun lane(5);
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 5u);
  for (std::uint64_t i = 0; i < 5; ++i) {
    const Record& r = lane.env->records[i];
    EXPECT_EQ(r.request_id, i + 1);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.error, ErrorCategory::none);
    EXPECT_EQ(r.wait_ns, 0);
    EXPECT_EQ(r.ttfb_ns, nanoseconds(10ms));
    // The first request opened the connection: its connect is in its total.
    EXPECT_EQ(r.connect_ns, i == 0 ? nanoseconds(1ms) : 0);
    EXPECT_EQ(r.total_ns, nanoseconds(i == 0 ? 11ms : 10ms));
  }
  EXPECT_EQ(lane.env->connects, 1u);
  EXPECT_EQ(lane.env->seen[0].method, "GET");
  EXPECT_EQ(lane.env->seen[0].path, "/start");
}

TEST(RequestLane, PacedSlotsWaitForTheirTimeFromTheStart) {
  LaneRun lane(4, 10.0);  // one every 100 ms
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 4u);
  // Slot 0 is due at the start; the others are waited for, each from the start (no drift).
  const std::vector<Clock::time_point> due{kStart + 100ms, kStart + 200ms, kStart + 300ms};
  EXPECT_EQ(lane.env->paced, due);
  for (std::uint64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(lane.env->seen[i].at, kStart + i * 100ms + (i == 0 ? 1ms : 0ms));
    EXPECT_EQ(lane.env->records[i].wait_ns, 0);
    EXPECT_EQ(lane.env->records[i].start_unix_ns,
              nanoseconds((kStart + i * 100ms).time_since_epoch()));
  }
}

TEST(RequestLane, ASlotDueWhileTheLaneWasBusyCountsItsWait) {
  LaneRun lane(3, 1000.0);  // one every 1 ms, each taking 10 ms
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 3u);
  EXPECT_EQ(lane.env->records[0].wait_ns, 0);
  // Slot 1 was due at 1 ms and sent at 11 ms (after the first response).
  EXPECT_EQ(lane.env->records[1].wait_ns, nanoseconds(10ms));
  EXPECT_EQ(lane.env->records[1].total_ns, nanoseconds(20ms));
  EXPECT_EQ(lane.env->records[2].wait_ns, nanoseconds(19ms));
}

TEST(RequestLane, AStopDuringPacingEndsTheLaneWithoutSending) {
  LaneRun lane(3, 10.0);
  lane.env->stop = true;
  lane.env->run_lane();
  EXPECT_EQ(lane.env->records.size(), 1u) << "slot 0 was due at once; slot 1 met the stop";
}

TEST(RequestLane, ARequestPastItsDeadlineIsATimeoutAndIsNotRetried) {
  LaneRun lane(3);
  lane.env->server = [](const Seen& s) {
    return s.path == "/start" && s.at < kStart + 20ms ? Reply{.hang = true} : Reply{};
  };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 3u);
  EXPECT_EQ(lane.env->records[0].error, ErrorCategory::timeout);
  EXPECT_EQ(lane.env->records[0].total_ns, nanoseconds(2s)) << "the 2 s timeout, from when due";
  EXPECT_EQ(lane.env->aborts, 1u);
  EXPECT_EQ(lane.env->records[1].error, ErrorCategory::none);
  EXPECT_EQ(lane.env->connects, 2u) << "the timed-out connection was closed and reopened";
  EXPECT_EQ(lane.env->seen.size(), 3u) << "a timeout is not sent again";
}

TEST(RequestLane, ARequestAStaleKeepAliveLostIsSentOnceMoreOnANewConnection) {
  LaneRun lane(3);
  int sends = 0;
  lane.env->server = [&](const Seen&) { return Reply{.stale = ++sends == 2}; };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 3u);
  for (const Record& r : lane.env->records) EXPECT_EQ(r.error, ErrorCategory::none);
  EXPECT_EQ(lane.env->seen.size(), 4u) << "request 2 twice";
  EXPECT_EQ(lane.env->connects, 2u);
  EXPECT_EQ(lane.env->records[1].connect_ns, nanoseconds(1ms)) << "the retry's connect";
}

TEST(RequestLane, TheRetryHappensOnceOnly) {
  LaneRun lane(2);
  lane.env->server = [](const Seen&) { return Reply{.refused = true}; };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 2u);
  for (const Record& r : lane.env->records) EXPECT_EQ(r.error, ErrorCategory::read);
  EXPECT_EQ(lane.env->seen.size(), 4u) << "each request twice, not more";
}

TEST(RequestLane, ASameOriginRedirectIsFollowedOnTheConnection) {
  LaneRun lane(2);
  lane.env->server = [](const Seen& s) {
    return s.path == "/start" ? Reply{.status = 302, .location = "/next?x=1", .latency = 5ms}
                              : Reply{.latency = 7ms};
  };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 2u);
  const Record& r = lane.env->records[0];
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.redirects, 1);
  EXPECT_EQ(r.final_url, "http://a.test/next?x=1");
  EXPECT_EQ(r.ttfb_ns, nanoseconds(12ms)) << "counted from the first send";
  EXPECT_EQ(r.total_ns, nanoseconds(13ms));
  EXPECT_EQ(lane.env->connects, 1u);
  ASSERT_EQ(lane.env->seen.size(), 4u);
  EXPECT_EQ(lane.env->seen[1].path, "/next?x=1");
  EXPECT_FALSE(lane.env->seen[1].away);
  EXPECT_EQ(lane.env->hops_ended, 2u);
}

TEST(RequestLane, AnotherOriginsRedirectGoesAwayAndTheNextRequestReconnects) {
  LaneRun lane(2);
  lane.env->server = [](const Seen& s) {
    return s.host == "a.test" ? Reply{.status = 301, .location = "http://b.test:8080/land"}
                              : Reply{};
  };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 2u);
  EXPECT_EQ(lane.env->records[0].final_url, "http://b.test:8080/land");
  ASSERT_EQ(lane.env->seen.size(), 4u);
  EXPECT_TRUE(lane.env->seen[1].away);
  EXPECT_EQ(lane.env->seen[1].host, "b.test:8080");
  EXPECT_EQ(lane.env->connects, 2u) << "the own connection was closed for the hop";
}

TEST(RequestLane, ALoopAndTooManyHopsFailAsRedirect) {
  LaneRun lane(1);
  lane.env->server = [](const Seen& s) {
    return Reply{.status = 302, .location = s.path == "/start" ? "/other" : "/start"};
  };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 1u);
  EXPECT_EQ(lane.env->records[0].error, ErrorCategory::redirect);
  EXPECT_EQ(lane.env->seen.size(), 2u);

  LaneRun chain(1);
  chain.config.max_redirects = 3;
  int hop = 0;
  chain.env->server = [&](const Seen&) {
    return Reply{.status = 307, .location = "/hop" + std::to_string(++hop)};
  };
  chain.env->run_lane();
  EXPECT_EQ(chain.env->records[0].error, ErrorCategory::redirect);
  EXPECT_EQ(chain.env->records[0].redirects, 3);
  EXPECT_EQ(chain.env->seen.size(), 4u);
}

TEST(RequestLane, ARedirectWithoutALocationIsTheResponse) {
  LaneRun lane(1);
  lane.env->server = [](const Seen&) { return Reply{.status = 302}; };
  lane.env->run_lane();
  EXPECT_EQ(lane.env->records[0].status, 302);
  EXPECT_EQ(lane.env->records[0].error, ErrorCategory::none);
  EXPECT_EQ(lane.env->records[0].redirects, 0);
}

// RFC 9110 15.4 and Fetch: what arrives at the redirect's destination, for every status and
// method.
TEST(RequestLane, RedirectsChangeTheMethodAndBodyAsRfc9110AndFetchSay) {
  for (const int status : {301, 302, 303, 307, 308}) {
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
      const std::string m = method;
      const bool body = m != "GET" && m != "HEAD";
      LaneRun lane(1, std::nullopt,
                   {.method = m,
                    .url = "http://a.test/start",
                    .body = body ? "{\"k\":1}" : "",
                    .content_type = body ? "application/json" : ""});
      lane.env->server = [&](const Seen& s) {
        return s.path == "/start" ? Reply{.status = status, .location = "/end"} : Reply{};
      };
      lane.env->run_lane();
      ASSERT_EQ(lane.env->seen.size(), 2u);
      const Seen& arrived = lane.env->seen[1];
      const bool to_get =
          (status == 303 && m != "HEAD") || ((status == 301 || status == 302) && m == "POST");
      SCOPED_TRACE(std::to_string(status) + " " + m);
      EXPECT_EQ(arrived.method, to_get ? "GET" : m);
      EXPECT_EQ(arrived.body, body && !to_get ? "{\"k\":1}" : "");
      EXPECT_EQ(arrived.content_type, body && !to_get);
    }
  }
}

// A templated target: each slot's request is filled (its seq, its row) into the lane's buffer
// and sent as those bytes; the URL sent is kept with the record.
TEST(RequestLane, FillsEachSlotsRequestFromItsTemplate) {
  LaneRun lane(4,
               {.method = "POST",
                .url = "http://a.test/u/{{col id}}?n={{seq}}",
                .body = R"({"name": "{{col name}}"})",
                .content_type = "application/json"},
               "id,name\n7,ann\n8,\"b\"\"o\"\"b\"\n");
  lane.env->run_lane();
  ASSERT_EQ(lane.env->seen.size(), 4u);
  const std::vector<std::string> paths{"/u/7?n=1", "/u/8?n=2", "/u/7?n=3", "/u/8?n=4"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(lane.env->seen[i].method, "POST");
    EXPECT_EQ(lane.env->seen[i].path, paths[i]);
    EXPECT_EQ(lane.env->records[i].url, "http://a.test" + paths[i]);
    EXPECT_TRUE(lane.env->seen[i].content_type);
  }
  EXPECT_EQ(lane.env->seen[1].body, R"({"name": "b\"o\"b"})") << "escaped in a JSON body";
}

// A value that cannot be a header value is never sent: the slot is recorded as a `client`
// failure and the lane goes on with the next.
TEST(RequestLane, AFillThatCannotBeSentIsAClientFailureAndTheLaneGoesOn) {
  LaneRun lane(3, {.url = "http://a.test/h", .headers = {{"X-V", "{{col v}}"}}},
               "v\nok\n\"two\nlines\"\nfine\n");
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 3u);
  EXPECT_EQ(lane.env->seen.size(), 2u) << "the second slot was not sent";
  EXPECT_EQ(lane.env->records[1].error, ErrorCategory::client);
  EXPECT_EQ(lane.env->records[1].request_id, 2u);
  EXPECT_EQ(lane.env->records[2].error, ErrorCategory::none);
}

// --data-order once: past the rows there is no request to fill, and the lane ends.
TEST(RequestLane, OnceEndsTheLaneWhenTheRowsAreUsedUp) {
  LaneRun lane(10, {.url = "http://a.test/r/{{col id}}"}, "id\n1\n2\n3\n", request::RowOrder::once);
  lane.env->run_lane();
  ASSERT_EQ(lane.env->seen.size(), 3u);
  EXPECT_EQ(lane.env->records.size(), 3u) << "no record for the slots past the rows";
  EXPECT_EQ(lane.env->seen[2].path, "/r/3");
}

// A 307 hop of a templated POST carries the body that was filled for it.
TEST(RequestLane, ARedirectHopCarriesTheFilledBody) {
  LaneRun lane(2, {.method = "POST", .url = "http://a.test/p/{{seq}}", .body = "n={{seq}}"},
               "id\n1\n");
  lane.config.max_redirects = 3;
  lane.env->server = [](const Seen& s) {
    return s.path.rfind("/p/", 0) == 0 ? Reply{.status = 307, .location = "/to" + s.path} : Reply{};
  };
  lane.env->run_lane();
  ASSERT_EQ(lane.env->seen.size(), 4u);
  EXPECT_EQ(lane.env->seen[1].path, "/to/p/1");
  EXPECT_EQ(lane.env->seen[1].body, "n=1");
  EXPECT_EQ(lane.env->seen[3].path, "/to/p/2");
  EXPECT_EQ(lane.env->seen[3].body, "n=2");
  EXPECT_EQ(lane.env->records[1].redirects, 1u);
  EXPECT_EQ(lane.env->records[1].url, "http://a.test/p/2");
}

// A request script (-s) as the lane sees it (core::WorkerScript): request() texts in turn,
// response() verdicts by status, a delay, and thread:stop() after `stop_after` requests.
class FakeScript : public core::WorkerScript {
 public:
  std::vector<std::string> texts;  // request() gives these in turn
  bool fails_every_third = false;  // request() fails on its 3rd, 6th, ... call
  bool judge = false;              // response(): 500 is a check failure, 418 a script error
  double delay = 0;
  std::uint64_t stop_after = 0;  // thread:stop() once this many responses came (0: never)
  unsigned requests = 0, responses = 0;
  std::vector<std::string> bodies;  // what each response() saw of the body

  bool builds_requests() const override { return !texts.empty(); }
  bool next_request(std::string_view& text) override {
    const unsigned call = requests++;
    if (fails_every_third && call % 3 == 2) return false;
    text = texts[call % texts.size()];
    return true;
  }
  bool wants_response() const override { return judge || stop_after > 0; }
  bool on_response(const core::ServerResponse& response, bool& script_error) override {
    ++responses;
    bodies.emplace_back(response.body);
    script_error = response.status == 418;
    return !judge || (response.status != 500 && response.status != 418);
  }
  bool has_delay() const override { return delay > 0; }
  double delay_ms() override { return delay; }
  bool stopped() const override { return stop_after > 0 && responses >= stop_after; }
};

// request() returning two requests at once (pipeline.lua's way): each slot sends the next of
// them, and request() is called again when both went.
TEST(RequestLane, AScriptsRequestTextIsSentRequestByRequest) {
  LaneRun lane(5);
  FakeScript script;
  script.texts = {
      "GET /one HTTP/1.1\r\nHost: s.test\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: s.test\r\nContent-Length: 2\r\n\r\nhi"};
  lane.env->script_for_lane = &script;
  lane.env->run_lane();
  ASSERT_EQ(lane.env->seen.size(), 5u);
  EXPECT_EQ(lane.env->seen[0].path, "/one");
  EXPECT_EQ(lane.env->seen[1].path, "/two");
  EXPECT_EQ(lane.env->seen[1].method, "POST");
  EXPECT_EQ(lane.env->seen[1].body, "hi");
  EXPECT_EQ(lane.env->seen[1].host, "s.test");
  EXPECT_EQ(lane.env->seen[4].path, "/one");
  EXPECT_EQ(script.requests, 3u);
}

// A request() that fails is that request's `script` failure, never sent; the run goes on.
TEST(RequestLane, AFailingRequestFunctionIsAScriptFailureAndTheLaneGoesOn) {
  LaneRun lane(6);
  FakeScript script;
  script.texts = {"GET /s HTTP/1.1\r\nHost: a.test\r\n\r\n"};
  script.fails_every_third = true;
  lane.env->script_for_lane = &script;
  lane.env->run_lane();
  EXPECT_EQ(lane.env->seen.size(), 4u);
  ASSERT_EQ(lane.env->records.size(), 6u);
  EXPECT_EQ(lane.env->records[2].error, ErrorCategory::script);
  EXPECT_EQ(lane.env->records[5].error, ErrorCategory::script);
  EXPECT_EQ(lane.env->records[3].error, ErrorCategory::none);
}

// response() judges each response: false is a `check` failure (the status kept), an error in it
// a `script` failure.
TEST(RequestLane, ResponseVerdictsAreCheckOrScriptFailures) {
  LaneRun lane(3);
  FakeScript script;
  script.judge = true;
  lane.env->server = [](const Seen& s) {
    return Reply{.status = s.at == kStart + 1ms ? 200 : (s.at < kStart + 15ms ? 500 : 418)};
  };
  lane.env->script_for_lane = &script;
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 3u);
  EXPECT_EQ(lane.env->records[0].error, ErrorCategory::none);
  EXPECT_EQ(lane.env->records[1].error, ErrorCategory::check);
  EXPECT_EQ(lane.env->records[1].status, 500);
  EXPECT_EQ(lane.env->records[2].error, ErrorCategory::script);
  EXPECT_EQ(script.responses, 3u);
}

// response() sees the response that ended the request: after a redirect to another origin, the
// hop connection's, not the 301's.
TEST(RequestLane, ResponseSeesTheLastHopsResponse) {
  LaneRun lane(2);
  FakeScript script;
  script.judge = true;
  lane.env->server = [](const Seen& s) {
    if (s.host == "b.test") return Reply{.body = "away " + s.path};
    if (s.path == "/start" && s.at == kStart + 1ms) {
      return Reply{.status = 301, .location = "http://b.test/land", .body = "moved"};
    }
    return Reply{.body = "home " + s.path};
  };
  lane.env->script_for_lane = &script;
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 2u);
  EXPECT_EQ(script.bodies, (std::vector<std::string>{"away /land", "home /start"}));
}

// delay() is waited before each request is taken, so it is in no request's time; thread:stop()
// ends the lane.
TEST(RequestLane, AScriptsDelayComesBeforeEachRequestAndStopEndsTheLane) {
  LaneRun lane(100);
  FakeScript script;
  script.delay = 50;
  script.stop_after = 3;
  lane.env->script_for_lane = &script;
  lane.env->run_lane();
  ASSERT_EQ(lane.env->records.size(), 3u) << "stopped after three responses";
  ASSERT_EQ(lane.env->paced.size(), 3u);
  EXPECT_EQ(lane.env->paced[0], kStart + 50ms);
  for (const Record& record : lane.env->records) {
    EXPECT_LT(record.total_ns, nanoseconds(20ms)) << "the delay is not the request's time";
  }
}

}  // namespace
}  // namespace ccload::engine
