#include "security/audit_log.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "security/crypto.h"
#include "test_util.h"

namespace simpul::security {
namespace {

using problem = audit_report::problem;

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::string data = test::read_file(path);
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t nl = data.find('\n', pos);
    out.push_back(data.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::string data;
  for (const auto& l : lines) data += l + "\n";
  test::write_file(path, data);
}

audit_record record(int i) {
  audit_record r;
  r.event = i % 2 ? audit_event::delivered : audit_event::accepted;
  r.route = "lapor";
  r.client = "dukcapil-app";
  r.message_id = "01J" + std::to_string(1000 + i);
  r.trace_id = "trace-" + std::to_string(i);
  r.body_sha256 = audit_record::body_hash("{\"nik\":\"3204011201900001\",\"n\":" + std::to_string(i) + "}");
  r.mapped_sha256 = audit_record::body_hash("mapped " + std::to_string(i));
  r.mapping = "lapor-ke-span";
  r.mapping_version = "3";
  r.outcome = "ok";
  return r;
}

// Each tamper test runs in both authentication modes.
class AuditLog : public ::testing::TestWithParam<audit_key::kind> {
 protected:
  void SetUp() override {
    if (GetParam() == audit_key::kind::hmac_sha256) {
      signer_ = *audit_key::hmac(std::string(32, 'k'));
      verifier_ = signer_;
    } else {
      auto pair = audit_key::generate_ed25519();
      ASSERT_TRUE(pair);
      signer_ = *audit_key::ed25519_private_pem(pair->private_pem);
      auto pub = audit_key::ed25519_public_pem(pair->public_pem);
      ASSERT_TRUE(pub);
      verifier_ = *pub;
    }
    path_ = dir_.file("audit.log");
  }

  void write(int n) {
    auto log = audit_log::open({path_}, signer_);
    ASSERT_TRUE(log) << log.error().message;
    for (int i = 1; i <= n; ++i) {
      auto seq = (*log)->append(record(i));
      ASSERT_TRUE(seq);
      EXPECT_EQ(*seq, static_cast<std::uint64_t>(i));
    }
    anchor_ = (*log)->head();
  }

  audit_report verify(const audit_anchor* anchor = nullptr) {
    auto r = verify_audit_log(path_, verifier_, anchor);
    EXPECT_TRUE(r);
    return r ? *r : audit_report{};
  }

  test::temp_dir dir_;
  std::string path_;
  audit_key signer_ = *audit_key::hmac(std::string(32, 'x'));
  audit_key verifier_ = signer_;
  audit_anchor anchor_;
};

TEST_P(AuditLog, IntactLogVerifies) {
  write(6);
  auto r = verify(&anchor_);
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.records, 6u);
  // No personal data in clear: the NIK in the body is only hashed.
  EXPECT_EQ(test::read_file(path_).find("3204011201900001"), std::string::npos);
}

TEST_P(AuditLog, FlippedByteIsAlteredAtItsLine) {
  write(5);
  auto lines = lines_of(path_);
  lines[2][lines[2].find("lapor") + 1] ^= 0x01;
  write_lines(path_, lines);
  auto r = verify();
  EXPECT_EQ(r.kind, problem::altered) << r.message;
  EXPECT_EQ(r.line, 3u);
  EXPECT_EQ(r.records, 2u);
}

TEST_P(AuditLog, FlippedSignatureByteIsAltered) {
  write(3);
  auto lines = lines_of(path_);
  char& c = lines[0][lines[0].size() - 5];
  c = c == '0' ? '1' : '0';
  write_lines(path_, lines);
  auto r = verify();
  EXPECT_EQ(r.kind, problem::altered) << r.message;
  EXPECT_EQ(r.line, 1u);
}

TEST_P(AuditLog, DeletedRecordIsRemovedAtItsLine) {
  write(5);
  auto lines = lines_of(path_);
  lines.erase(lines.begin() + 1);  // record 2
  write_lines(path_, lines);
  auto r = verify();
  EXPECT_EQ(r.kind, problem::removed) << r.message;
  EXPECT_EQ(r.line, 2u);
  EXPECT_NE(r.message.find("record(s) 2 removed"), std::string::npos) << r.message;
}

TEST_P(AuditLog, SwappedRecordsAreReordered) {
  write(5);
  auto lines = lines_of(path_);
  std::swap(lines[2], lines[3]);
  write_lines(path_, lines);
  auto r = verify();
  EXPECT_EQ(r.kind, problem::reordered) << r.message;
  EXPECT_EQ(r.line, 3u);
}

TEST_P(AuditLog, TruncationInsideARecord) {
  write(4);
  std::string data = test::read_file(path_);
  auto lines = lines_of(path_);
  std::size_t cut = lines[0].size() + 1 + lines[1].size() + 1 + 40;  // into record 3
  test::write_file(path_, data.substr(0, cut));
  auto r = verify();
  EXPECT_EQ(r.kind, problem::truncated) << r.message;
  EXPECT_EQ(r.line, 3u);
}

TEST_P(AuditLog, TruncationOfWholeRecordsNeedsTheAnchor) {
  write(4);
  auto lines = lines_of(path_);
  lines.resize(2);
  write_lines(path_, lines);
  EXPECT_TRUE(verify().ok());  // a chain cannot know its own length...
  auto r = verify(&anchor_);   // ...the exported anchor can.
  EXPECT_EQ(r.kind, problem::truncated) << r.message;
  EXPECT_EQ(r.line, 3u);
}

TEST_P(AuditLog, ContinuesTheChainAfterRestart) {
  write(3);
  {
    auto log = audit_log::open({path_}, signer_);
    ASSERT_TRUE(log) << log.error().message;
    EXPECT_EQ((*log)->head().seq, 3u);
    EXPECT_EQ(*(*log)->append(record(4)), 4u);
  }
  auto r = verify();
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.records, 4u);
}

TEST_P(AuditLog, RefusesToExtendATornOrForeignChain) {
  write(2);
  std::string data = test::read_file(path_);
  test::write_file(path_, data.substr(0, data.size() - 10));
  auto torn = audit_log::open({path_}, signer_);
  ASSERT_FALSE(torn);
  EXPECT_EQ(torn.error().code, "audit.torn_tail");
  test::write_file(path_, data);
  auto other = audit_log::open({path_}, *audit_key::hmac(std::string(32, 'z')));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "audit.chain");
}

TEST_P(AuditLog, ConcurrentAppendsFormOneChain) {
  {
    auto log = audit_log::open({path_}, signer_);
    ASSERT_TRUE(log);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) ASSERT_TRUE((*log)->append(record(t * 100 + i)));
      });
    for (auto& th : threads) th.join();
  }
  auto r = verify();
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.records, 100u);
}

INSTANTIATE_TEST_SUITE_P(Modes, AuditLog,
                         ::testing::Values(audit_key::kind::hmac_sha256, audit_key::kind::ed25519),
                         [](const auto& info) {
                           return info.param == audit_key::kind::hmac_sha256 ? "Hmac" : "Ed25519";
                         });

TEST(AuditLogKeys, WrongKeyOrSchemeIsReported) {
  test::temp_dir dir;
  auto key = *audit_key::hmac(std::string(32, 'a'));
  {
    auto log = audit_log::open({dir.file("a.log")}, key);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->append(record(1)));
  }
  auto wrong = verify_audit_log(dir.file("a.log"), *audit_key::hmac(std::string(32, 'b')));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->kind, problem::altered);
  auto ed = audit_key::ed25519_public_pem(audit_key::generate_ed25519()->public_pem);
  auto scheme = verify_audit_log(dir.file("a.log"), *ed);
  EXPECT_NE(scheme->message.find("expected 'ed25519'"), std::string::npos) << scheme->message;
  // A public key cannot write.
  EXPECT_FALSE(audit_log::open({dir.file("b.log")}, *ed));
  EXPECT_FALSE(audit_key::hmac("short"));
  EXPECT_FALSE(verify_audit_log(dir.file("missing.log"), key));
}

TEST(AuditLogKeys, Ed25519SignatureVerifiesWithOpenssl) {
  // The signed part of a record verifies with `openssl pkeyutl` too.
  test::temp_dir dir;
  auto pair = audit_key::generate_ed25519();
  ASSERT_TRUE(pair);
  test::write_file(dir.file("pub.pem"), pair->public_pem);
  auto key = *audit_key::ed25519_private_pem(pair->private_pem);
  {
    auto log = audit_log::open({dir.file("a.log")}, key);
    ASSERT_TRUE((*log)->append(record(7)));
  }
  std::string line = lines_of(dir.file("a.log"))[0];
  auto parts = audit_format::split(line);
  ASSERT_TRUE(parts);
  test::write_file(dir.file("data"), std::string(parts->signed_part));
  test::write_file(dir.file("sig"), *crypto::from_hex(parts->signature));
  auto r = test::run("openssl pkeyutl -verify -pubin -inkey " + dir.file("pub.pem") +
                     " -rawin -in " + dir.file("data") + " -sigfile " + dir.file("sig"));
  EXPECT_EQ(r.status, 0) << r.output;
}

}  // namespace
}  // namespace simpul::security
