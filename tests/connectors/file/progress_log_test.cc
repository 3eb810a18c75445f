#include "connectors/file/progress_log.h"

#include <gtest/gtest.h>

#include "tests/connectors/support/temp_dir.h"

namespace simpul::connectors::file {
namespace {

using sync = progress_log::sync;

std::vector<progress_log::entry> batch(std::size_t from, std::size_t n) {
  std::vector<progress_log::entry> out;
  for (std::size_t i = from; i < from + n; ++i) out.push_back({i, progress_log::outcome::ok, ""});
  return out;
}

TEST(ProgressLog, BackgroundBatchesCountAtOnceAndFlushWaitsForThem) {
  test::temp_dir dir;
  auto path = dir.path() / ".x.progress";
  auto log = progress_log::open(path);
  ASSERT_TRUE(log);
  for (std::size_t i = 0; i < 50; ++i) ASSERT_TRUE(log->append(batch(i * 4, 4), sync::background));
  EXPECT_EQ(log->done(), 200u);
  ASSERT_TRUE(log->flush());
  // Another process resuming the file sees every answered record (the lock
  // is per open file description, so a second open here is refused).
  auto again = progress_log::open(path);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "file.locked");
}

TEST(ProgressLog, EntriesWrittenInTheBackgroundSurviveTheLog) {
  test::temp_dir dir;
  auto path = dir.path() / ".y.progress";
  {
    auto log = progress_log::open(path);
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->append(batch(0, 3), sync::now));
    ASSERT_TRUE(log->append(batch(3, 2), sync::background));
    progress_log::entry rejected{5, progress_log::outcome::rejected, "route\tsaid\nno"};
    std::vector<progress_log::entry> one;
    one.push_back(rejected);
    ASSERT_TRUE(log->append(std::move(one), sync::background));
  }  // closed without flush(): the destructor completes the pending flush
  auto log = progress_log::open(path);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->done(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(log->entries()[i].index, i);
  EXPECT_EQ(log->entries()[5].what, progress_log::outcome::rejected);
  EXPECT_EQ(log->entries()[5].reason, "route said no");
}

TEST(ProgressLog, RemoveAfterBackgroundAppendsDeletesTheLog) {
  test::temp_dir dir;
  auto path = dir.path() / ".z.progress";
  auto log = progress_log::open(path);
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->append(batch(0, 10), sync::background));
  log->remove();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(log->flush());  // nothing pending: returns at once
}

TEST(ProgressLog, ALogIsForOneContentOnly) {
  test::temp_dir dir;
  auto path = dir.path() / ".c.progress";
  const std::string first(64, '1'), second(64, '2');
  {
    auto log = progress_log::open(path);
    ASSERT_TRUE(log);
    auto fresh = log->claim_for(first);
    ASSERT_TRUE(fresh);
    EXPECT_FALSE(*fresh) << "an empty log is not stale";
    ASSERT_TRUE(log->append(batch(0, 3), sync::now));
  }
  {
    auto log = progress_log::open(path);  // resuming the same content
    ASSERT_TRUE(log);
    auto same = log->claim_for(first);
    ASSERT_TRUE(same);
    EXPECT_FALSE(*same);
    EXPECT_EQ(log->done(), 3u);
  }
  {
    auto log = progress_log::open(path);  // other content under the same name
    ASSERT_TRUE(log);
    auto other = log->claim_for(second);
    ASSERT_TRUE(other);
    EXPECT_TRUE(*other);
    EXPECT_EQ(log->done(), 0u);
    ASSERT_TRUE(log->append(batch(0, 1), sync::now));
  }
  auto log = progress_log::open(path);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->done(), 1u);
  auto again = log->claim_for(second);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST(ProgressLog, ALogWithoutAContentLineIsKept) {
  test::temp_dir dir;
  auto path = dir.path() / ".old.progress";
  {
    auto log = progress_log::open(path);
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->append(batch(0, 2), sync::now));  // as older versions wrote it
  }
  auto log = progress_log::open(path);
  ASSERT_TRUE(log);
  auto kept = log->claim_for(std::string(64, 'f'));
  ASSERT_TRUE(kept);
  EXPECT_FALSE(*kept);
  EXPECT_EQ(log->done(), 2u);
}

}  // namespace
}  // namespace simpul::connectors::file
