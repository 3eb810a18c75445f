// MQTT load tool for bench/run.sh: end-to-end messages/s and latency
// percentiles through a broker (and whatever sits between two topics), plus
// the plain relay client that gives the two-hop ceiling.
//
//   mqtt_load load  --url tcp://127.0.0.1:1883 --pub in --sub out --qos 1
//                   --seconds 10 --window 100 --template payload.json
//   mqtt_load relay --url tcp://127.0.0.1:1883 --sub in --pub out --qos 1
//
// load: one client subscribes to --sub, another publishes the template to
// --pub as fast as the window allows (at most --window messages sent and not
// yet received: a closed loop, so the latency is the system's, not the depth
// of a queue the tool built up). Each payload carries "~<seq>~<send ns>~" in
// place of the template's @MARK@, which a mapping that copies the field keeps
// intact; the receiver parses it back. Prints one JSON object on stdout.
// relay: subscribe, republish the same payload, until SIGINT/SIGTERM or
// --seconds.
//
// load --rate N: open loop instead. Message i is due at start + i/N and
// carries its due time, not the time it actually left: when the publisher
// or anything downstream falls behind, the wait is counted in the latency
// (no coordinated omission), and the tool keeps to the schedule (sends the
// overdue ones at once) instead of slowing down with the system. The JSON
// then adds "rate", "late" (messages sent more than 1 ms after their due
// time, i.e. the tool itself could not keep up) and "missing" (not back by
// the end of --drain; each enters the percentiles with its wait until then,
// a lower bound, so falling behind is not hidden by survivors).

#include <utility>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mqtt/async_client.h"

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string mode, url = "tcp://127.0.0.1:1883", pub, sub, templ = "{\"no_tiket\":\"@MARK@\"}";
  int qos = 1;
  double seconds = 10;
  int window = 100;
  double rate = 0;  // > 0: open loop at this many messages/s
  double drain = 5;
};

std::atomic<bool> stop_flag{false};

void on_signal(int) { stop_flag = true; }

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

bool parse_args(int argc, char** argv, options& o) {
  if (argc < 2) return false;
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--url") o.url = v;
    else if (k == "--pub") o.pub = v;
    else if (k == "--sub") o.sub = v;
    else if (k == "--qos") o.qos = std::atoi(v.c_str());
    else if (k == "--seconds") o.seconds = std::atof(v.c_str());
    else if (k == "--window") o.window = std::max(1, std::atoi(v.c_str()));
    else if (k == "--drain") o.drain = std::atof(v.c_str());
    else if (k == "--rate") o.rate = std::atof(v.c_str());
    else if (k == "--template") {
      std::ifstream f(v);
      std::stringstream ss;
      ss << f.rdbuf();
      o.templ = ss.str();
      if (o.templ.find("@MARK@") == std::string::npos) {
        std::fprintf(stderr, "template %s has no @MARK@\n", v.c_str());
        return false;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return false;
    }
  }
  return (o.mode == "load" || o.mode == "relay") && !o.pub.empty() && !o.sub.empty();
}

/// Paho C never sets TCP_NODELAY; without it a client that writes twice
/// before reading (the relay: PUBACK, then PUBLISH) meets Nagle + delayed
/// ACK, ~20-40 ms per message on loopback. simpul sets it on its own
/// clients (connectors/mqtt/nodelay.cc), so every bench client gets it too.
void set_nodelay_to_port(int port) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = std::atoi(e.path().filename().c_str());
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sin_family != AF_INET) continue;
    if (ntohs(peer.sin_port) != port) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}

int port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return colon == std::string::npos ? 1883 : std::atoi(url.c_str() + colon + 1);
}

mqtt::create_options create_opts() {
  mqtt::create_options c(MQTTVERSION_3_1_1);
  c.set_max_buffered_messages(1000000);  // Paho's default 100 also applies while connected
  return c;
}

mqtt::connect_options connect_opts(int inflight) {
  return mqtt::connect_options_builder()
      .clean_session(true)
      .keep_alive_interval(std::chrono::seconds(30))
      .max_inflight(inflight)
      .finalize();
}

std::string client_id(const char* role) {
  return std::string("bench-") + role + "-" + std::to_string(::getpid());
}

int run_relay(const options& o) {
  mqtt::async_client cli(o.url, client_id("relay"), create_opts(), nullptr);
  std::atomic<long> relayed{0};
  cli.set_message_callback([&](mqtt::const_message_ptr m) {
    try {
      cli.publish(o.pub, m->get_payload(), o.qos, false);
      relayed++;
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "relay publish: %s\n", e.what());
    }
  });
  try {
    cli.connect(connect_opts(1000))->wait();
    cli.subscribe(o.sub, o.qos)->wait();
    set_nodelay_to_port(port_of(o.url));
  } catch (const mqtt::exception& e) {
    std::fprintf(stderr, "relay: %s\n", e.what());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  auto end = clock_type::now() + std::chrono::duration<double>(o.seconds > 0 ? o.seconds : 1e9);
  while (!stop_flag && clock_type::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  try {
    cli.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
  std::fprintf(stderr, "relayed %ld\n", relayed.load());
  return 0;
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * v.size()));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

int run_load(const options& o) {
  std::size_t mark = o.templ.find("@MARK@");
  std::mutex mu;
  std::condition_variable cv;
  long sent = 0, received = 0, dup_or_foreign = 0;
  std::vector<double> lat_ms;
  lat_ms.reserve(1 << 20);
  long long last_rx = 0;
  // Rate mode: which sequence numbers came back, and when each was due, so
  // that a message still missing at the end counts with the wait so far
  // (otherwise a system that falls behind would look faster than it is).
  const long total = o.rate > 0 ? static_cast<long>(o.rate * o.seconds) : 0;
  std::vector<char> got(static_cast<std::size_t>(total), 0);
  std::vector<long long> due_ns_of(static_cast<std::size_t>(total), 0);

  mqtt::async_client sub(o.url, client_id("sub"), create_opts(), nullptr);
  mqtt::async_client pub(o.url, client_id("pub"), create_opts(), nullptr);
  sub.set_message_callback([&](mqtt::const_message_ptr m) {
    long long t = now_ns();
    const std::string& p = m->get_payload_str();
    std::size_t a = p.find('~');
    std::size_t b = a == std::string::npos ? a : p.find('~', a + 1);
    std::size_t c = b == std::string::npos ? b : p.find('~', b + 1);
    std::lock_guard<std::mutex> lk(mu);
    if (c == std::string::npos) {
      dup_or_foreign++;
      return;
    }
    long long sent_ns = std::atoll(p.c_str() + b + 1);
    long seq = std::atol(p.c_str() + a + 1);
    if (seq >= 1 && static_cast<std::size_t>(seq) <= got.size()) got[static_cast<std::size_t>(seq - 1)] = 1;
    lat_ms.push_back(static_cast<double>(t - sent_ns) / 1e6);
    received++;
    last_rx = t;
    cv.notify_all();
  });
  try {
    const int inflight = o.rate > 0 ? 65535 : o.window * 2;
    sub.connect(connect_opts(inflight))->wait();
    sub.subscribe(o.sub, o.qos)->wait();
    pub.connect(connect_opts(inflight))->wait();
    set_nodelay_to_port(port_of(o.url));
  } catch (const mqtt::exception& e) {
    std::fprintf(stderr, "load: %s\n", e.what());
    return 1;
  }
  long long start = now_ns();
  auto end = clock_type::now() + std::chrono::duration<double>(o.seconds);
  std::string payload;
  long late = 0;
  auto send_one = [&](long seq, long long stamp_ns) {
    payload.assign(o.templ, 0, mark);
    payload += "~" + std::to_string(seq) + "~" + std::to_string(stamp_ns) + "~";
    payload.append(o.templ, mark + 6, std::string::npos);
    try {
      pub.publish(o.pub, payload.data(), payload.size(), o.qos, false);
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "publish: %s\n", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  if (o.rate > 0) {
    const auto t0 = clock_type::now();
    for (long i = 0; i < total && !stop_flag; ++i) {
      auto due = t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(i / o.rate));
      if (clock_type::now() < due) std::this_thread::sleep_until(due);
      long long due_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch()).count();
      if (now_ns() - due_ns > 1000000) late++;
      {
        std::lock_guard<std::mutex> lk(mu);
        sent++;
        due_ns_of[static_cast<std::size_t>(i)] = due_ns;
      }
      send_one(i + 1, due_ns);
    }
  }
  while (o.rate <= 0 && !stop_flag && clock_type::now() < end) {
    long seq;
    {
      std::unique_lock<std::mutex> lk(mu);
      if (!cv.wait_until(lk, end, [&] { return sent - received < o.window; })) break;
      seq = ++sent;
    }
    send_one(seq, now_ns());
  }
  long long stop_sending = now_ns();
  {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait_for(lk, std::chrono::duration<double>(o.drain), [&] { return received >= sent; });
  }
  try {
    pub.disconnect()->wait_for(std::chrono::seconds(2));
    sub.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
  std::lock_guard<std::mutex> lk(mu);
  long missing = 0;
  const long long gave_up = now_ns();
  for (long i = 0; i < std::min(sent, total); ++i) {
    if (got[static_cast<std::size_t>(i)]) continue;
    missing++;
    lat_ms.push_back(static_cast<double>(gave_up - due_ns_of[static_cast<std::size_t>(i)]) / 1e6);
  }
  double secs = static_cast<double>((last_rx > 0 ? last_rx : stop_sending) - start) / 1e9;
  std::printf(
      "{\"sent\":%ld,\"received\":%ld,\"foreign\":%ld,\"seconds\":%.3f,\"msg_s\":%.1f,"
      "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"qos\":%d,",
      sent, received, dup_or_foreign, secs, secs > 0 ? received / secs : 0.0, pct(lat_ms, 50),
      pct(lat_ms, 90), pct(lat_ms, 99), pct(lat_ms, 99.9), pct(lat_ms, 100), o.qos);
  if (o.rate > 0) {
    std::printf("\"mode\":\"rate\",\"rate\":%.1f,\"late\":%ld,\"missing\":%ld}\n", o.rate, late, missing);
  }
  else std::printf("\"mode\":\"window\",\"window\":%d}\n", o.window);
  return received > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse_args(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: mqtt_load load|relay --pub TOPIC --sub TOPIC [--url U] [--qos 0|1|2]\n"
                 "       [--seconds S] [--window N | --rate MSG_PER_S] [--drain S]\n"
                 "       [--template FILE-with-@MARK@]\n");
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  return o.mode == "relay" ? run_relay(o) : run_load(o);
}
