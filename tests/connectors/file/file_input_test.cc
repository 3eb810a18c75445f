#include <utility>

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "connectors/file/progress_log.h"
#include "connectors/registry.h"
#include "tests/connectors/support/collecting_ingress.h"
#include "tests/connectors/support/config_builder.h"
#include "tests/connectors/support/io_runner.h"
#include "tests/connectors/support/temp_dir.h"

namespace simpul::connectors {
namespace {

namespace fs = std::filesystem;
using test::map;
using test::scalar;
using test::sequence;
using test::share;
using status = ingest_result::status;
using file::progress_log;

void write_file(const fs::path& p, std::string_view text, bool append = false) {
  std::ofstream out(p, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Files in `dir` whose name starts with `prefix`.
std::vector<fs::path> files_in(const fs::path& dir, std::string_view prefix = "") {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
  return true;
}

class FileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    register_all(registry_);
    drop_ = dir_.path() / "drop";
  }
  void TearDown() override {
    for (auto& in : inputs_) in->stop();
  }

  config::node settings(std::initializer_list<std::pair<std::string, config::node>> extra) {
    auto n = map({{"dir", scalar(drop_.string())}, {"rescan_interval", scalar("100ms")},
                  {"complete_when", scalar("rename")}});
    for (const auto& [k, v] : extra) n.set(k, v);
    return n;
  }

  input* add_input(config::node conn, std::shared_ptr<ingress> sink, const std::string& name = "drop") {
    context ctx{runner_.io(), name, dir_.path() / "data", nullptr, nullptr};
    auto in = registry_.find("file")->make_input(share(std::move(conn)), ctx);
    EXPECT_TRUE(in.has_value()) << (in ? "" : in.error().message);
    if (!in) return nullptr;
    EXPECT_TRUE((*in)->bind({"ingest", share(map({})), std::move(sink)}).has_value());
    auto started = (*in)->start();
    EXPECT_TRUE(started.has_value()) << (started ? "" : started.error().message);
    inputs_.push_back(std::move(*in));
    return inputs_.back().get();
  }

  /// Drops a file as a well-behaved writer does: write a hidden temp, rename.
  void drop(const std::string& name, std::string_view text) {
    fs::create_directories(drop_);
    write_file(drop_ / ("." + name + ".tmp"), text);
    fs::rename(drop_ / ("." + name + ".tmp"), drop_ / name);
  }

  test::temp_dir dir_;
  fs::path drop_;
  test::io_runner runner_;
  registry registry_;
  std::vector<input_ptr> inputs_;
};

TEST_F(FileInput, FactoryRejectsBadSettings) {
  const auto* f = registry_.find("file");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->spec().input && f->spec().output);
  EXPECT_TRUE(f->check(settings({})).empty());
  EXPECT_FALSE(f->check(settings({{"complete_when", scalar("whenever")}})).empty());
  EXPECT_FALSE(f->check(settings({{"complete_when", scalar("stable:soon")}})).empty());
  EXPECT_FALSE(f->check(settings({{"format", scalar("yaml")}})).empty());
  EXPECT_FALSE(f->check(map({})).empty());
}

TEST_F(FileInput, GrowingFileIsTakenOnlyOnceStable) {
  auto sink = std::make_shared<test::collecting_ingress>();
  fs::create_directories(drop_);
  write_file(drop_ / "laporan.json", "{\"a\":");
  add_input(settings({{"complete_when", scalar("stable:600ms")}}), sink);
  // Keep the file growing for longer than the stable time.
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(sink->wait_count(1, std::chrono::milliseconds(150)));
    write_file(drop_ / "laporan.json", " ", true);
  }
  write_file(drop_ / "laporan.json", "1}", true);
  ASSERT_TRUE(sink->wait_count(1));
  EXPECT_EQ(sink->taken()[0]->body, "{\"a\":        1}");
  EXPECT_EQ(sink->taken()[0]->attribute("file"), "laporan.json");
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processed", "laporan.json.").size() == 1; }));
}

TEST_F(FileInput, DoneMarkerGatesTheFile) {
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"complete_when", scalar("done_marker")}, {"format", scalar("ndjson")}}), sink);
  write_file(drop_ / "x.ndjson", "{\"n\":1}\n{\"n\":2}\n");
  EXPECT_FALSE(sink->wait_count(1, std::chrono::milliseconds(400)));
  write_file(drop_ / "x.ndjson.done", "");
  ASSERT_TRUE(sink->wait_count(2));
  EXPECT_EQ(sink->taken()[1]->attribute("line"), "2");
  EXPECT_TRUE(eventually([&] { return !fs::exists(drop_ / "x.ndjson.done"); }));
}

TEST_F(FileInput, CsvWithBomCrlfSemicolonAndQuotedNewlines) {
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}, {"patterns", sequence({scalar("*.csv")})}}), sink);
  drop("penduduk.csv",
       "\xEF\xBB\xBFnik;nama;alamat\r\n"
       "3204010101900001;\"Siti; Aminah\";\"Jl. Merdeka 1\r\nRT 02\"\r\n"
       "3204010101900002;Budi;\"Jl. \"\"Asia\"\" Afrika\"\r\n");
  drop("ignored.txt", "not a csv");
  ASSERT_TRUE(sink->wait_count(2));
  auto rows = sink->taken();
  EXPECT_EQ(rows[0]->body,
            "{\"nik\":\"3204010101900001\",\"nama\":\"Siti; Aminah\",\"alamat\":\"Jl. Merdeka 1\\r\\nRT 02\"}");
  EXPECT_EQ(rows[1]->body, "{\"nik\":\"3204010101900002\",\"nama\":\"Budi\",\"alamat\":\"Jl. \\\"Asia\\\" Afrika\"}");
  EXPECT_EQ(rows[0]->attribute("row"), "1");
  EXPECT_EQ(rows[1]->attribute("row"), "2");
  EXPECT_EQ(rows[1]->attribute("line"), "4");
  EXPECT_EQ(rows[0]->content_type, "application/json");
  EXPECT_EQ(rows[0]->key, "penduduk.csv:1");
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processed", "penduduk.csv.").size() == 1; }));
  EXPECT_TRUE(fs::exists(drop_ / "ignored.txt"));
}

TEST_F(FileInput, CsvKeysAndValuesAreEscapedAsJson) {
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}, {"delimiter", scalar(",")}}), sink);
  drop("esc.csv", "\"a\"\"b\",c\\d,e\n\"x\ty\",\x01\xC3\xA9,\x1F\b\f/\n");
  ASSERT_TRUE(sink->wait_count(1));
  EXPECT_EQ(sink->taken()[0]->body, "{\"a\\\"b\":\"x\\ty\",\"c\\\\d\":\"\\u0001\xC3\xA9\",\"e\":\"\\u001F\\b\\f/\"}");
}

TEST_F(FileInput, MalformedRowIsReportedWhileGoodRowsGoThrough) {
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}}), sink);
  drop("data.csv", "kode,nilai\n3201,10\n3202,20,extra\n3203,30\n");
  ASSERT_TRUE(sink->wait_count(2));
  ASSERT_TRUE(eventually([&] {
    auto f = files_in(drop_ / "failed", "data.csv.");
    return f.size() == 2 && f[1].string().ends_with(".error.json");
  }));
  auto failed = files_in(drop_ / "failed", "data.csv.");
  std::string sidecar = read_file(failed[1]);
  EXPECT_TRUE(failed[1].string().ends_with(".error.json"));
  EXPECT_NE(sidecar.find("\"record\": 2, \"line\": 3, \"status\": \"unreadable\""), std::string::npos) << sidecar;
  auto taken = sink->taken();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0]->body, "{\"kode\":\"3201\",\"nilai\":\"10\"}");
  EXPECT_EQ(taken[1]->body, "{\"kode\":\"3203\",\"nilai\":\"30\"}");
  EXPECT_TRUE(files_in(drop_ / "processed").empty());
}

TEST_F(FileInput, RowsTheHubRejectedAreListedAndTheFileIsProcessed) {
  auto sink = std::make_shared<test::collecting_ingress>();
  sink->decide = [](const message& m) { return m.body.find("bad") != std::string::npos ? status::rejected : status::accepted; };
  add_input(settings({{"format", scalar("ndjson")}}), sink);
  drop("batch.ndjson", "{\"v\":\"ok\"}\n{\"v\":\"bad\"}\n{\"v\":\"ok2\"}\n");
  ASSERT_TRUE(eventually([&] {
    auto f = files_in(drop_ / "processed", "batch.ndjson.");
    return f.size() == 2 && f[1].string().ends_with(".error.json");
  }));
  auto sidecar = read_file(files_in(drop_ / "processed", "batch.ndjson.")[1]);
  EXPECT_NE(sidecar.find("\"record\": 2, \"line\": 2, \"status\": \"rejected\""), std::string::npos) << sidecar;
  EXPECT_EQ(sink->offered().size(), 3u);
}

TEST_F(FileInput, RejectedToFailedMovesARefusedWholeFileToFailed) {
  auto sink = std::make_shared<test::collecting_ingress>();
  sink->decide = [](const message& m) { return m.body.find("bad") != std::string::npos ? status::rejected : status::accepted; };
  add_input(settings({{"format", scalar("raw")}, {"rejected_to_failed", scalar("true")}}), sink);
  drop("good.csv", "a;b\n1;2\n");
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed", "good.csv.").size() == 1; }));
  drop("bad.csv", "a;b\nbad;2\n");
  ASSERT_TRUE(eventually([&] {
    auto f = files_in(drop_ / "failed", "bad.csv.");
    return f.size() == 2 && f[1].string().ends_with(".error.json");
  }));
  auto sidecar = read_file(files_in(drop_ / "failed", "bad.csv.")[1]);
  EXPECT_NE(sidecar.find("\"status\": \"rejected\""), std::string::npos) << sidecar;
  EXPECT_TRUE(files_in(drop_ / "processed", "bad.csv.").empty());
  EXPECT_EQ(sink->offered().size(), 2u);
}

TEST_F(FileInput, BackPressurePausesAndOffersTheSameRowAgain) {
  auto sink = std::make_shared<test::collecting_ingress>();
  int refusals = 0;
  sink->decide = [&refusals](const message& m) {
    if (m.body == "{\"n\":1}" && refusals < 2) {
      ++refusals;
      return status::unavailable;
    }
    return status::accepted;
  };
  // One record at a time: the order to the hub is kept even under back-pressure.
  add_input(settings({{"format", scalar("ndjson")}, {"max_in_flight", scalar("1")}}), sink);
  drop("q.ndjson", "{\"n\":1}\n{\"n\":2}\n");
  ASSERT_TRUE(sink->wait_count(2));
  auto offered = sink->offered();
  ASSERT_EQ(offered.size(), 4u);
  EXPECT_EQ(offered[0]->id, offered[2]->id);  // the same message, offered again
  EXPECT_EQ(sink->taken()[0]->body, "{\"n\":1}");
  EXPECT_EQ(sink->taken()[1]->body, "{\"n\":2}");
}

/// Accepts the first `n` records and then never answers (the hub stopped).
class stalling_ingress : public ingress {
 public:
  explicit stalling_ingress(std::size_t n) : n_(n) {}
  void submit(message_ptr msg, ingest_handler done) override {
    std::lock_guard lock(m_);
    if (accepted_.size() >= n_) {
      held_.push_back(std::move(done));
      return;
    }
    accepted_.push_back(msg->body);
    done({});
  }
  std::vector<std::string> accepted() {
    std::lock_guard lock(m_);
    return accepted_;
  }
  std::size_t held() {
    std::lock_guard lock(m_);
    return held_.size();
  }

 private:
  std::size_t n_;
  std::mutex m_;
  std::vector<std::string> accepted_;
  std::vector<ingest_handler> held_;
};

/// Keeps every `done` until the test answers it.
class answering_ingress : public ingress {
 public:
  void submit(message_ptr msg, ingest_handler done) override {
    std::lock_guard lock(m_);
    bodies_.push_back(msg->body);
    held_.push_back(std::move(done));
  }
  std::size_t offered() {
    std::lock_guard lock(m_);
    return held_.size();
  }
  void answer(std::size_t i) {
    ingest_handler h;
    {
      std::lock_guard lock(m_);
      h = std::move(held_.at(i));
    }
    h({});
  }

 private:
  std::mutex m_;
  std::vector<std::string> bodies_;
  std::vector<ingest_handler> held_;
};

TEST_F(FileInput, PipelinedOffersAreLoggedInRecordOrder) {
  std::string text;
  for (int i = 1; i <= 10; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  auto sink = std::make_shared<answering_ingress>();
  add_input(settings({{"format", scalar("ndjson")}, {"max_in_flight", scalar("4")}}), sink);
  drop("p.ndjson", text);
  ASSERT_TRUE(eventually([&] { return sink->offered() == 4; }));  // the window is full
  const fs::path progress = drop_ / "processing" / ".p.ndjson.progress";
  // Records 2..4 answered, record 1 not: nothing is logged, nothing new offered.
  for (std::size_t i : {3, 2, 1}) sink->answer(i);
  EXPECT_FALSE(eventually([&] { return sink->offered() > 4; }, std::chrono::milliseconds(300)));
  const std::string content_line = read_file(progress);
  EXPECT_TRUE(content_line.starts_with("#sha256\t")) << content_line;
  EXPECT_EQ(content_line.find('\n'), content_line.size() - 1) << "only the content line";
  // Record 1 answered: 1..4 are logged in order and the window moves on.
  sink->answer(0);
  ASSERT_TRUE(eventually([&] { return sink->offered() == 8; }));
  EXPECT_EQ(read_file(progress), content_line + "0\tok\t\n1\tok\t\n2\tok\t\n3\tok\t\n");
  for (std::size_t i = 4; i < 8; ++i) sink->answer(i);
  ASSERT_TRUE(eventually([&] { return sink->offered() == 10; }));
  sink->answer(9);
  sink->answer(8);
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processed", "p.ndjson.").size() == 1; }));
}

TEST_F(FileInput, RestartResumesMidFileWithoutDuplicates) {
  std::string text;
  for (int i = 1; i <= 10; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  auto first = std::make_shared<stalling_ingress>(4);
  auto* in = add_input(settings({{"format", scalar("ndjson")}}), first);
  drop("big.ndjson", text);
  // Pipelined: records 5..10 are all with the hub, none answered.
  ASSERT_TRUE(eventually([&] { return first->held() == 6; }));
  in->stop();  // the hub goes away with records 5..10 unanswered
  EXPECT_TRUE(fs::exists(drop_ / "processing" / "big.ndjson"));

  auto second = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("ndjson")}}), second);
  ASSERT_TRUE(second->wait_count(6));
  auto before = first->accepted();
  std::multiset<std::string> all(before.begin(), before.end());
  for (const auto& m : second->taken()) all.insert(m->body);
  EXPECT_EQ(all.size(), 10u);
  for (int i = 1; i <= 10; ++i) EXPECT_EQ(all.count("{\"n\":" + std::to_string(i) + "}"), 1u) << i;
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processed", "big.ndjson.").size() == 1; }));
}

TEST_F(FileInput, TwoInputsOnOneDirectoryNeverTakeTheSameFile) {
  auto a = std::make_shared<test::collecting_ingress>();
  auto b = std::make_shared<test::collecting_ingress>();
  add_input(settings({}), a, "hub-a");
  add_input(settings({}), b, "hub-b");
  for (int i = 0; i < 30; ++i) drop("f" + std::to_string(i) + ".json", "{\"i\":" + std::to_string(i) + "}");
  ASSERT_TRUE(eventually([&] { return a->taken().size() + b->taken().size() >= 30; }));
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed").size() == 30; }));
  std::multiset<std::string> files;
  for (const auto& m : a->taken()) files.insert(std::string(*m->attribute("file")));
  for (const auto& m : b->taken()) files.insert(std::string(*m->attribute("file")));
  EXPECT_EQ(files.size(), 30u);
  EXPECT_EQ(std::set<std::string>(files.begin(), files.end()).size(), 30u);
}

TEST_F(FileInput, SameFileDroppedTwiceIsIngestedOnce) {
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({}), sink);
  drop("same.json", "{\"x\":1}");
  ASSERT_TRUE(sink->wait_count(1));
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed").size() == 1; }));
  drop("same.json", "{\"x\":1}");
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed").size() == 2; }));
  EXPECT_EQ(sink->offered().size(), 1u);
  EXPECT_EQ(files_in(drop_ / "processed", "same.json").back().extension(), ".duplicate");
  drop("same.json", "{\"x\":2}");  // new content under the same name is new data
  ASSERT_TRUE(sink->wait_count(2));
}

TEST_F(FileInput, AProgressLogForOtherContentDoesNotSkipRows) {
  // A crash between moving daily.ndjson on and deleting its log left the log
  // saying 3 records were answered; a new daily.ndjson (other content) is
  // already in processing/ when the hub starts. Its rows are all new data.
  fs::create_directories(drop_ / "processing");
  {
    auto old = progress_log::open(drop_ / "processing" / ".daily.ndjson.progress");
    ASSERT_TRUE(old);
    ASSERT_TRUE(old->claim_for(std::string(64, 'a')));
    std::vector<progress_log::entry> answered;
    for (std::size_t i = 0; i < 3; ++i) answered.push_back({i, progress_log::outcome::ok, ""});
    ASSERT_TRUE(old->append(std::move(answered)));
  }
  write_file(drop_ / "processing" / "daily.ndjson", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("ndjson")}}), sink);
  ASSERT_TRUE(sink->wait_count(4));
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed", "daily.ndjson.").size() == 1; }));
  EXPECT_EQ(sink->offered().size(), 4u);
  EXPECT_EQ(sink->taken().front()->body, "{\"n\":1}");
  EXPECT_TRUE(eventually([&] { return !fs::exists(drop_ / "processing" / ".daily.ndjson.progress"); }));
}

TEST_F(FileInput, AnOrphanedProgressLogIsRemovedAtStart) {
  fs::create_directories(drop_ / "processing");
  auto orphan = drop_ / "processing" / ".gone.csv.progress";
  write_file(orphan, "#sha256\t" + std::string(64, 'b') + "\n0\tok\t\n");
  write_file(drop_ / "processing" / ".kept.csv.progress", "0\tok\t\n");
  write_file(drop_ / "processing" / "kept.csv", "a,b\n1,2\n3,4\n");
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}}), sink);
  // The log of a file still in processing/ is its resume point: row 1 was
  // answered before, row 2 is offered now.
  ASSERT_TRUE(sink->wait_count(1));
  EXPECT_EQ(sink->taken().front()->body, "{\"a\":\"3\",\"b\":\"4\"}");
  EXPECT_TRUE(eventually([&] { return !fs::exists(orphan); }));
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed", "kept.csv.").size() == 1; }));
  EXPECT_EQ(sink->offered().size(), 1u);
}

TEST_F(FileInput, UnreadableJsonGoesToFailedWithTheReason) {
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({}), sink);
  drop("broken.json", "{\"x\":");
  ASSERT_TRUE(eventually([&] {
    auto f = files_in(drop_ / "failed", "broken.json.");
    return f.size() == 2 && f[1].string().ends_with(".error.json");
  }));
  auto sidecar = read_file(files_in(drop_ / "failed", "broken.json.")[1]);
  EXPECT_NE(sidecar.find("\"error\": "), std::string::npos) << sidecar;
  EXPECT_TRUE(sink->offered().empty());
}


TEST_F(FileInput, AFileNameTooLongForTheProgressLogIsReadUnderAShortName) {
  // 240 bytes: legal, but ".<name>.progress" is not (NAME_MAX 255). The
  // file used to stay in processing/, never read and never moved on.
  std::string name = "laporan-";
  while (name.size() < 236) name += "\xC3\xA9";  // 'é': a cut must not split it
  name += ".csv";
  ASSERT_EQ(name.size(), 240u);
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}}), sink);
  drop(name, "a,b\n1,2\n");
  ASSERT_TRUE(sink->wait_count(1));
  EXPECT_EQ(sink->taken()[0]->body, R"({"a":"1","b":"2"})");
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed", "laporan-").size() == 1; }));
  const auto kept = files_in(drop_ / "processed", "laporan-")[0].filename().string();
  EXPECT_LE(kept.size(), 230u) << kept;
  EXPECT_NE(kept.find(".csv."), std::string::npos) << kept;  // the extension survives
  // The cut is at a character boundary: the kept prefix is 'é's only.
  const auto prefix = kept.substr(8, kept.find('~') - 8);
  EXPECT_EQ(prefix.size() % 2, 0u);
  EXPECT_EQ(sink->taken()[0]->attribute("file"), kept.substr(0, kept.find(".csv.") + 4));
  EXPECT_FALSE(fs::exists(drop_ / name));
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processing").empty(); }));  // the log goes last
}

TEST_F(FileInput, ALongNameLeftInProcessingIsResumedUnderAShortName) {
  // What an older hub left behind: a long name it claimed but never read.
  const std::string name = std::string(240, 'x') + ".csv";
  fs::create_directories(drop_ / "processing");
  write_file(drop_ / "processing" / name, "a\n7\n");
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}}), sink);
  ASSERT_TRUE(sink->wait_count(1));
  EXPECT_EQ(sink->taken()[0]->body, R"({"a":"7"})");
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processed", "xxx").size() == 1; }));
  EXPECT_TRUE(eventually([&] { return files_in(drop_ / "processing").empty(); }));  // the log goes last
}


TEST_F(FileInput, CsvWithClassicMacLineEndsIsReadToTheEnd) {
  // CR-only line ends (and a mix): the reader takes them, but the records
  // were counted by LFs, so the file "had one line" and went to failed/
  // after its first row ("more records than lines in the file").
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("csv")}}), sink);
  drop("mac.csv", "nik,nama\r1,Siti\r2,Budi\r\n3,Ani\n4,Joko\r");
  ASSERT_TRUE(sink->wait_count(4));
  EXPECT_EQ(sink->taken()[3]->body, R"({"nik":"4","nama":"Joko"})");
  EXPECT_EQ(sink->taken()[3]->attribute("line"), "5");
  ASSERT_TRUE(eventually([&] { return files_in(drop_ / "processed", "mac.csv.").size() == 1; }));
  EXPECT_TRUE(files_in(drop_ / "failed").empty());
}

TEST_F(FileInput, AFileOfBlankLinesCostsNoMemoryPerLine) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "an address-space limit and ASan's shadow memory do not mix";
#else
  // 64 MiB of newlines: no record at all, but room for 67 million records
  // (4.8 GB) was reserved up front. On a small machine that is bad_alloc on
  // the worker thread: std::terminate, the hub gone. Here the address space
  // is capped 1.5 GB above what the test uses.
  const std::string blank(64u << 20, '\n');
  long pages = 0;
  std::ifstream("/proc/self/statm") >> pages;
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_AS, &old), 0);
  rlimit capped = old;
  capped.rlim_cur = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + (3ull << 29);
  ASSERT_EQ(setrlimit(RLIMIT_AS, &capped), 0);
  auto sink = std::make_shared<test::collecting_ingress>();
  add_input(settings({{"format", scalar("ndjson")}}), sink);
  drop("kosong.ndjson", blank);
  const bool moved = eventually([&] { return files_in(drop_ / "processed", "kosong.ndjson.").size() == 1; },
                                std::chrono::seconds(30));
  setrlimit(RLIMIT_AS, &old);
  EXPECT_TRUE(moved);
  EXPECT_TRUE(sink->offered().empty());
#endif
}

}  // namespace
}  // namespace simpul::connectors
