// Recovery from damage and crashes: torn tails, flipped bytes, kill -9 in the
// middle of a stream, and a write error (file size limit as a stand-in for a
// full disk).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <semaphore>
#include <set>

#include "hub/spool/frame.h"
#include "hub/spool/route_spool.h"
#include "tests/hub/spool/spool_test_util.h"
#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

// Five messages, one record each, in one closed segment file.
class FiveSpooled : public ::testing::Test {
 protected:
  void SetUp() override {
    o.dir = d.sub("spool/r");
    auto sp = route_spool::open(o);
    ASSERT_TRUE(sp);
    for (int i = 0; i < 5; ++i) {
      msgs.push_back(make_msg("message body number " + std::to_string(i)));
      ASSERT_TRUE((*sp)->append_sync({msgs.back()}, 1));
    }
    sp->reset();
    auto files = segment_files(o.dir);
    ASSERT_EQ(files.size(), 1u);
    segment = files[0];
  }

  temp_dir d;
  spool_options o;
  std::vector<message_ptr> msgs;
  std::filesystem::path segment;
};

TEST_F(FiveSpooled, TornTailLosesOnlyTheHalfWrittenRecord) {
  std::filesystem::resize_file(segment, std::filesystem::file_size(segment) - 10);

  auto sp = route_spool::open(o);
  ASSERT_TRUE(sp);
  auto st = (*sp)->stats();
  EXPECT_TRUE(st.recovery.torn_tail);
  EXPECT_EQ(st.recovery.damaged_regions, 0u);
  EXPECT_EQ(take_ids(**sp, 0), ids_of({msgs[0], msgs[1], msgs[2], msgs[3]}));
  // and the spool keeps working after it
  auto next = make_msg("after the tear");
  ASSERT_TRUE((*sp)->append_sync({next}, 1));
  EXPECT_EQ(take_ids(**sp, 0), ids_of({next}));
}

TEST_F(FiveSpooled, FlippedByteSkipsExactlyThatRecord) {
  auto bytes = read_file(segment);
  std::vector<frame_view> frames;
  scan_frames(bytes, [&](const frame_view& f) { frames.push_back(f); });
  ASSERT_EQ(frames.size(), 5u);
  auto victim = frames[2].offset + frames[2].size / 2;  // middle of the third record
  bytes[victim] = static_cast<char>(bytes[victim] ^ 0x40);
  write_file(segment, bytes);

  auto sp = route_spool::open(o);
  ASSERT_TRUE(sp);
  auto st = (*sp)->stats();
  EXPECT_EQ(st.recovery.damaged_regions, 1u);
  EXPECT_EQ(st.recovery.skipped_bytes, frames[2].size);
  EXPECT_FALSE(st.recovery.torn_tail);
  EXPECT_EQ(take_ids(**sp, 0), ids_of({msgs[0], msgs[1], msgs[3], msgs[4]}));
}

TEST(RouteSpoolRecovery, KillNineLosesNoAcknowledgedMessage) {
  temp_dir d;
  spool_options o;
  o.dir = d.sub("spool/r");
  o.durability = durability::fsync;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto sp = route_spool::open(o);
    if (!sp) ::_exit(2);
    std::counting_semaphore<64> window(64);
    for (;;) {  // appends until killed
      window.acquire();
      auto m = make_msg(std::string(512, 'k'));
      auto line = m->id + "\n";
      auto r = (*sp)->append(m, 1, [&window, line, fd = fds[1]](result<void> res) {
        if (res && ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          ::_exit(3);
        }
        window.release();
      });
      if (!r) ::_exit(4);
    }
  }
  ::close(fds[1]);
  std::set<std::string> acked;
  std::string buf;
  char chunk[4096];
  bool killed = false;
  for (;;) {
    auto n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;  // EOF: the child is gone
    buf.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      acked.insert(buf.substr(0, nl));
      buf.erase(0, nl + 1);
    }
    if (!killed && acked.size() >= 3000) {
      ::kill(pid, SIGKILL);  // mid-stream: appends are in flight right now
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited on its own: " << status;
  ASSERT_GE(acked.size(), 3000u);

  auto sp = route_spool::open(o);
  ASSERT_TRUE(sp) << sp.error().message;
  std::set<std::string> present;
  for (const auto& id : take_ids(**sp, 0, 1'000'000)) present.insert(id);
  std::size_t missing = 0;
  for (const auto& id : acked) missing += present.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged";
  EXPECT_GE(present.size(), acked.size());
  EXPECT_EQ((*sp)->stats().recovery.damaged_regions, 0u);
}

// RLIMIT_FSIZE makes write(2) fail with EFBIG past a size, the same path as
// ENOSPC for the spool: the append fails, nothing half-written stays.
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit l = saved_;
    l.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &l);
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
};

TEST(RouteSpoolRecovery, WriteErrorFailsTheAppendAndTheSpoolRecovers) {
  temp_dir d;
  spool_options o;
  o.dir = d.sub("spool/r");
  o.max_messages = 2;
  auto first = make_msg("fits");
  auto last = make_msg(std::string(4096, 'l'));
  {
    auto sp = route_spool::open(o);
    ASSERT_TRUE((*sp)->append_sync({first}, 1));
    {
      file_size_limit limit((*sp)->stats().disk_bytes + 1000);
      auto r = (*sp)->append_sync({make_msg(std::string(4096, 'x'))}, 1);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, "spool.io");
    }
    auto st = (*sp)->stats();
    EXPECT_EQ(st.io_errors, 1u);
    EXPECT_EQ(st.depth, 1u);
    // the failed message's reservation was returned: max_messages=2 still fits one
    ASSERT_TRUE((*sp)->append_sync({last}, 1));
  }
  auto sp = route_spool::open(o);
  auto st = (*sp)->stats();
  EXPECT_EQ(st.recovery.damaged_regions, 0u);
  EXPECT_FALSE(st.recovery.torn_tail);
  EXPECT_EQ(take_ids(**sp, 0), ids_of({first, last}));
}

}  // namespace
}  // namespace simpul::spool
