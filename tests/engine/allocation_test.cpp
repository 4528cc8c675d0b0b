// The engine's hot path does not allocate: the allocations of a run do not grow with n.

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <new>

#include "engine/engine.hpp"
#include "request/data_set.hpp"
#include "request/run_templates.hpp"
#include "support/serve_process.hpp"

// Not built under sanitizers: they own malloc (memory from glibc's would reach their free()), so
// nothing could be counted. The test command's plain build (scripts/test.sh, step 1) runs it.
#ifndef CCLOAD_SANITIZER

// Every heap allocation of the process is counted: malloc and friends are interposed (operator
// new and Asio's aligned allocations both end up here), forwarding to glibc's implementations.
namespace {
std::atomic<std::uint64_t> allocations{0};
}

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);

void* malloc(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  *result = __libc_memalign(alignment, size);
  return *result != nullptr ? 0 : ENOMEM;
}
}

namespace ccload::engine {
namespace {

// `templated`: the targets' URLs carry fields, filled for each request (issue 21), and a body
// filled from the rows of a data file.
// `pipeline`: --pipeline, requests written together per connection.
// `streams`: over HTTP/2 (h2c) with this many streams a connection; 0: HTTP/1.1.
std::uint64_t allocations_for(const std::vector<std::string>& urls, std::uint64_t requests,
                              bool templated = false, unsigned pipeline = 1, unsigned streams = 0) {
  core::RunPlan config;
  for (const auto& url : urls) config.targets.push_back({.url = url});
  if (templated) {
    static const auto rows = std::make_shared<const request::DataSet>(request::parse_data(
        "id,name\n1,ann\n2,bob\n3,\"c, \"\"d\"\"\"\n", request::DataFormat::csv, "rows.csv"));
    for (TargetSpec& target : config.targets) {
      target.method = "POST";
      target.headers = {{"X-Id", "{{uuid}}"}};
      target.body = R"({"id": {{col id}}, "name": "{{col name}}", "n": {{randint 1 99}}})";
      target.content_type = "application/json";
    }
    config.seed = 11;
    config.templates = request::compile_templates(config.targets, rows, "rows.csv",
                                                  request::RowOrder::sequential, {}, config.seed);
  }
  config.requests = requests;
  config.concurrency = 10;
  config.pipeline = pipeline;
  if (streams > 0) {
    config.http2 = true;
    config.streams = streams;
  }
  config.threads = 2;
  config.keep_records = 0;
  std::uint64_t before = allocations.load();
  EngineResult result = run_load(config);
  std::uint64_t used = allocations.load() - before;
  EXPECT_EQ(result.stats.succeeded, requests);
  return used;
}

TEST(EngineAllocations, DoNotGrowWithTheNumberOfRequests) {
  test::ServeProcess server;
  const std::vector<std::string> url{server.base_url() + "/get"};
  allocations_for(url, 2000);  // warm-up: thread-local caches, lazily created singletons
  std::uint64_t small = allocations_for(url, 10000);
  std::uint64_t large = allocations_for(url, 20000);
  // 10,000 more requests cost no more allocations (a few for thread start-up jitter at most).
  std::cout << "allocations: 10k=" << small << " 20k=" << large << "\n";
  EXPECT_LE(large, small + 20) << "10k requests: " << small << " allocations; 20k: " << large;
}

TEST(EngineAllocations, DoNotGrowWithTheNumberOfRequestsOverSeveralTargets) {
  test::ServeProcess first, second;  // three targets on two origins
  const std::vector<std::string> urls{first.base_url() + "/get", second.base_url() + "/get",
                                      first.base_url() + "/status/201"};
  allocations_for(urls, 2000);
  std::uint64_t small = allocations_for(urls, 10000);
  std::uint64_t large = allocations_for(urls, 20000);
  std::cout << "allocations over three targets: 10k=" << small << " 20k=" << large << "\n";
  EXPECT_LE(large, small + 20) << "10k requests: " << small << " allocations; 20k: " << large;
}

TEST(EngineAllocations, DoNotGrowWithTheNumberOfRequestsOfATemplatedRun) {
  test::ServeProcess server;  // URL, a header and a JSON body filled per request
  const std::vector<std::string> url{server.base_url() + "/anything/{{seq}}/{{randstr 8}}"};
  allocations_for(url, 2000, true);
  std::uint64_t small = allocations_for(url, 10000, true);
  std::uint64_t large = allocations_for(url, 20000, true);
  std::cout << "allocations of a templated run: 10k=" << small << " 20k=" << large << "\n";
  EXPECT_LE(large, small + 20) << "10k requests: " << small << " allocations; 20k: " << large;
}

TEST(EngineAllocations, DoNotGrowWithTheNumberOfPipelinedRequests) {
  test::ServeProcess server;  // --pipeline 16: batches of 16 written together, read in order
  const std::vector<std::string> url{server.base_url() + "/get"};
  allocations_for(url, 2000, false, 16);
  std::uint64_t small = allocations_for(url, 10000, false, 16);
  std::uint64_t large = allocations_for(url, 20000, false, 16);
  std::cout << "allocations at --pipeline 16: 10k=" << small << " 20k=" << large << "\n";
  EXPECT_LE(large, small + 20) << "10k requests: " << small << " allocations; 20k: " << large;
}

TEST(EngineAllocations, DoNotGrowWithTheNumberOfPipelinedRequestsOfATemplatedRun) {
  test::ServeProcess server;
  const std::vector<std::string> url{server.base_url() + "/anything/{{seq}}/{{randstr 8}}"};
  allocations_for(url, 2000, true, 16);
  std::uint64_t small = allocations_for(url, 10000, true, 16);
  std::uint64_t large = allocations_for(url, 20000, true, 16);
  std::cout << "allocations of a templated run at --pipeline 16: 10k=" << small << " 20k=" << large
            << "\n";
  EXPECT_LE(large, small + 20) << "10k requests: " << small << " allocations; 20k: " << large;
}

// nghttp2 allocates per stream and per frame; it allocates from the worker's BlockPool, which
// keeps what was freed, so once warm no stream reaches malloc.
TEST(EngineAllocations, DoNotGrowWithTheNumberOfHttp2Requests) {
  test::ServeProcess server;  // h2c with prior knowledge, 10 streams on each of 10 connections
  const std::vector<std::string> url{server.base_url() + "/get"};
  allocations_for(url, 2000, false, 1, 10);
  std::uint64_t small = allocations_for(url, 10000, false, 1, 10);
  std::uint64_t large = allocations_for(url, 20000, false, 1, 10);
  std::cout << "allocations over HTTP/2, 10 streams: 10k=" << small << " 20k=" << large << "\n";
  EXPECT_LE(large, small + 20) << "10k requests: " << small << " allocations; 20k: " << large;
}

}  // namespace
}  // namespace ccload::engine

#endif  // CCLOAD_SANITIZER
