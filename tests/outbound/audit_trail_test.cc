#include "hub/audit/audit_trail.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>
#include <vector>

#include "tests/security/test_util.h"

namespace simpul::hub {
namespace {

using security::test::temp_dir;

security::audit_key test_key() {
  return *security::audit_key::hmac("audit-test-key-0123456789abcdef-0123456789");
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(AuditTrail, RecordsFromManyThreadsFormOneVerifiableChain) {
  temp_dir dir;
  auto path = dir.file("audit.log");
  {
    auto trail = audit_trail::open({path, true}, test_key());
    ASSERT_TRUE(trail) << trail.error().message;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          message m;
          m.id = make_message_id();
          m.trace_id = make_trace_id();
          m.body = R"({"nik":"3204012501900001"})";
          m.attributes.emplace_back("client", "dinas-" + std::to_string(t));
          (*trail)->message_event(security::audit_event::accepted, "lapor", &m, &m, "m", "v1",
                                  "ok");
        }
      });
    }
    for (auto& th : threads) th.join();
    (*trail)->admin_action("dlq.replay", "operator", "ok");
    (*trail)->flush();
    EXPECT_EQ((*trail)->head().seq, 201u);
    EXPECT_EQ((*trail)->failures(), 0u);
  }
  auto report = security::verify_audit_log(path, test_key());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->records, 201u);
  auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 201u);
  EXPECT_NE(lines[0].find(R"("client":"dinas-)"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("body_sha256":")"), std::string::npos);
  EXPECT_NE(lines.back().find(R"("action":"dlq.replay")"), std::string::npos);
  for (const auto& l : lines) EXPECT_EQ(l.find("3204012501900001"), std::string::npos);
}

TEST(AuditTrail, ReopeningContinuesTheChain) {
  temp_dir dir;
  auto path = dir.file("audit.log");
  for (int run = 0; run < 2; ++run) {
    auto trail = audit_trail::open({path, false}, test_key());
    ASSERT_TRUE(trail) << trail.error().message;
    (*trail)->admin_action("reload", "operator", "ok");
  }  // destructor writes what is queued
  auto report = security::verify_audit_log(path, test_key());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->records, 2u);
}

TEST(AuditTrail, AnotherKeyCannotContinueTheLog) {
  temp_dir dir;
  auto path = dir.file("audit.log");
  {
    auto trail = audit_trail::open({path, false}, test_key());
    ASSERT_TRUE(trail);
    (*trail)->admin_action("reload", "operator", "ok");
  }
  auto other = security::audit_key::hmac("another-key-0123456789abcdef-0123456789");
  ASSERT_TRUE(other);
  EXPECT_FALSE(audit_trail::open({path, false}, std::move(*other)));
}

TEST(AuditTrail, MappingVersionIsAContentHash) {
  temp_dir dir;
  auto path = dir.file("m.jsonata");
  std::ofstream(path) << "{ \"a\": b }";
  auto v1 = mapping_file_version(path);
  EXPECT_TRUE(v1.starts_with("sha256:")) << v1;
  std::ofstream(path) << "{ \"a\": c }";
  EXPECT_NE(mapping_file_version(path), v1);
  EXPECT_EQ(mapping_file_version(dir.file("missing")), "");
}

}  // namespace
}  // namespace simpul::hub
