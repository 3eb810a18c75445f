// The original (pre-mapping) message kept with spooled and dead-lettered
// messages, for a replay through a corrected mapping.
#include <gtest/gtest.h>

#include <future>

#include "hub/spool/dlq_store.h"
#include "hub/spool/message_codec.h"
#include "hub/spool/route_spool.h"
#include "tests/hub/spool/spool_test_util.h"
#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;

result<void> append_with(route_spool& sp, message_ptr m, message_ptr original) {
  std::promise<result<void>> done;
  auto fut = done.get_future();
  auto r = sp.append(std::move(m), 1, [&done](result<void> res) { done.set_value(std::move(res)); },
                     std::move(original));
  if (!r) return r;
  return fut.get();
}

message_ptr mapped_from(const message_ptr& original, const std::string& body) {
  auto m = std::make_shared<message>(*original);
  m->body = body;
  m->headers.add("X-Mapped", "1");
  return m;
}

TEST(RouteSpoolOrigin, StoredSameAndUnknownOriginalsAcrossReopen) {
  temp_dir d;
  spool_options o;
  o.dir = d.sub("spool/r");
  auto in = make_msg(R"({"nama":"Siti"})");
  auto mapped = mapped_from(in, R"({"nama_pelapor":"Siti"})");
  auto unchanged = make_msg(R"({"as":"is"})");
  auto unknown = make_msg(R"({"split":"part"})");
  {
    auto sp = route_spool::open(o);
    ASSERT_TRUE(sp) << sp.error().message;
    ASSERT_TRUE(append_with(**sp, mapped, in));            // steps changed it: stored
    ASSERT_TRUE(append_with(**sp, unchanged, unchanged));  // no step changed it: a mark
    ASSERT_TRUE(append_with(**sp, unknown, nullptr));      // format 1: no trailer
    auto items = (*sp)->take(0, 10);
    ASSERT_EQ(items.size(), 3u);
    auto a = (*sp)->original(items[0]);
    ASSERT_TRUE(a && *a) << (a ? "null" : a.error().message);
    EXPECT_EQ((*a)->body, in->body);
    EXPECT_EQ((*a)->id, in->id);
    EXPECT_FALSE((*a)->headers.get("X-Mapped"));
    EXPECT_EQ(items[0].msg->body, mapped->body) << "delivery still gets the mapped message";
    auto b = (*sp)->original(items[1]);
    ASSERT_TRUE(b && *b);
    EXPECT_EQ((*b)->body, unchanged->body);
    auto c = (*sp)->original(items[2]);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, nullptr);
    EXPECT_GT((*sp)->stats().bytes, 2 * (in->body.size() + mapped->body.size()));
  }
  // After a restart nothing is cached: everything is read back from disk.
  o.cache_bytes = 0;
  auto sp = route_spool::open(o);
  ASSERT_TRUE(sp) << sp.error().message;
  auto items = (*sp)->take(0, 10);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].msg->body, mapped->body) << "the trailer does not disturb the message";
  auto a = (*sp)->original(items[0]);
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->body, in->body);
  auto b = (*sp)->original(items[1]);
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->body, unchanged->body);
  auto c = (*sp)->original(items[2]);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, nullptr);
  (*sp)->ack(items[0]);
  EXPECT_FALSE((*sp)->original(items[0])) << "acked: no longer pending";
}

TEST(RouteSpoolOrigin, MessageDecoderReportsWhereTheMessageEnds) {
  auto m = make_msg("body");
  std::string buf;
  encode_message(buf, *m);
  auto size = buf.size();
  buf += "OTRAILER";
  std::size_t used = 0;
  auto back = decode_message(buf, &used);
  ASSERT_TRUE(back);
  EXPECT_EQ(used, size);
  EXPECT_EQ(back->body, "body");
}

TEST(DlqStoreOrigin, OriginalRoundTripsAndIsOptional) {
  temp_dir d;
  dlq_options o;
  o.dir = d.sub("dlq");
  auto in = make_msg(R"({"nama":"Siti"})");
  std::string with, without;
  {
    auto dlq = dlq_store::open(o);
    ASSERT_TRUE(dlq) << dlq.error().message;
    dlq_entry e;
    e.msg = *mapped_from(in, R"({"nama_lengkap":"Siti"})");
    e.original = *in;
    e.route = "lapor";
    e.target = "national";
    e.reason_code = "delivery.permanent";
    auto id = (*dlq)->add(e);
    ASSERT_TRUE(id);
    with = *id;
    e.original.reset();
    e.id.clear();
    id = (*dlq)->add(e);
    ASSERT_TRUE(id);
    without = *id;
  }
  auto dlq = dlq_store::open(o);
  ASSERT_TRUE(dlq);
  auto a = (*dlq)->get(with);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(a->original);
  EXPECT_EQ(a->original->body, in->body);
  EXPECT_EQ(a->msg.body, R"({"nama_lengkap":"Siti"})");
  auto b = (*dlq)->get(without);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_FALSE(b->original);
}

}  // namespace
}  // namespace simpul::spool
