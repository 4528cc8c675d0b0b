// read_data_file: the format by extension, the size limit, files that cannot be read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>
#include <thread>

#include "request/data_set.hpp"

namespace ccload::request {
namespace {

namespace fs = std::filesystem;

class DataFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccload-data-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string error_of(const std::string& path, std::uint64_t limit = kDataLimitBytes) {
    try {
      (void)read_data_file(path, limit);
    } catch (const DataError& error) {
      return error.what();
    }
    ADD_FAILURE() << "read: " << path;
    return {};
  }
  fs::path dir_;
};

TEST(DataFormat, ByExtension) {
  EXPECT_EQ(data_format("users.csv"), DataFormat::csv);
  EXPECT_EQ(data_format("/a/b/USERS.CSV"), DataFormat::csv);
  EXPECT_EQ(data_format("users.jsonl"), DataFormat::jsonl);
  EXPECT_EQ(data_format("x.JsonL"), DataFormat::jsonl);
  EXPECT_EQ(data_format("users.json"), std::nullopt);
  EXPECT_EQ(data_format("users.csv.gz"), std::nullopt);
  EXPECT_EQ(data_format("csv"), std::nullopt);
}

TEST_F(DataFile, ReadsCsvAndJsonl) {
  const auto csv = read_data_file(write("u.csv", "id,name\n1,Ann\n2,Bob\n"));
  EXPECT_EQ(csv.rows(), 2u);
  EXPECT_EQ(csv.cell(1, 1), "Bob");
  const auto jsonl = read_data_file(write("u.jsonl", "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3}\n"));
  EXPECT_EQ(jsonl.rows(), 3u);
  EXPECT_EQ(jsonl.cell(2, 0), "3");
}

TEST_F(DataFile, LargerThanOneChunk) {
  // Rows across the reader's 1 MiB chunks, with a quoted line break on a chunk edge somewhere.
  std::string text = "id,text\n";
  for (int i = 0; i < 100000; ++i)
    text += std::to_string(i) + ",\"row " + std::to_string(i) + "\nnext\"\n";
  ASSERT_GT(text.size(), 2u << 20);
  const auto data = read_data_file(write("big.csv", text));
  ASSERT_EQ(data.rows(), 100000u);
  for (const std::size_t row : {0u, 12345u, 99999u}) {
    EXPECT_EQ(data.cell(row, 0), std::to_string(row));
    EXPECT_EQ(data.cell(row, 1), "row " + std::to_string(row) + "\nnext");
  }
}

TEST_F(DataFile, WrongExtension) {
  const auto path = write("u.txt", "id\n1\n");
  EXPECT_EQ(error_of(path), path + ": a data file must end in .csv or .jsonl");
}

TEST_F(DataFile, CannotBeRead) {
  const auto missing = (dir_ / "missing.csv").string();
  EXPECT_EQ(error_of(missing), "cannot read " + missing + ": No such file or directory");
  const auto directory = (dir_ / "dir.csv").string();
  fs::create_directories(directory);
  EXPECT_EQ(error_of(directory), "cannot read " + directory + ": Is a directory");
  if (::geteuid() != 0) {  // root reads any file
    const auto locked = write("locked.csv", "id\n1\n");
    fs::permissions(locked, fs::perms::none);
    EXPECT_EQ(error_of(locked), "cannot read " + locked + ": Permission denied");
  }
}

TEST_F(DataFile, OverTheLimitIsRefusedWithItsSize) {
  const auto path = write("u.csv", "id\n1\n2\n33\n");  // 10 bytes
  EXPECT_EQ(error_of(path, 9),
            path + " is 10 bytes, over the 9 bytes --data reads; use a smaller file");
  EXPECT_EQ(read_data_file(path, 10).rows(), 3u);
  EXPECT_EQ(kDataLimitBytes, 1073741824u);
}

TEST_F(DataFile, OverTheLimitWhileStreamingIsRefused) {
  // A pipe has no size up front: the limit is applied to the bytes read.
  const auto fifo = (dir_ / "pipe.csv").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << "id\n1\n2\n33\n"; });
  const std::string message = error_of(fifo, 9);
  writer.join();
  EXPECT_EQ(message, fifo + " is more than 9 bytes, the most --data reads; use a smaller file");
}

TEST_F(DataFile, ErrorsNameTheFileAsGiven) {
  const auto path = write("bad.csv", "a,b\n1\n");
  EXPECT_EQ(error_of(path).rfind(path + " line 2: 1 value", 0), 0u);
  EXPECT_EQ(error_of(write("empty.jsonl", "")),
            (dir_ / "empty.jsonl").string() +
                " is empty; it needs one JSON object a line, such as {\"id\": 1}");
}

}  // namespace
}  // namespace ccload::request
