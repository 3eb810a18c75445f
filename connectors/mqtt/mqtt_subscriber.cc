#include "connectors/mqtt/mqtt_subscriber.h"

#include <future>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "monitoring/log.h"

namespace simpul::connectors::mqtt {

namespace asio = boost::asio;

namespace {

const monitoring::logger log_{"mqtt"};

constexpr int kTicketSeqBits = 40;
constexpr std::uint64_t kTicketSeqMask = (std::uint64_t{1} << kTicketSeqBits) - 1;

}  // namespace

subscriber::subscriber(asio::io_context& io, settings s, std::vector<subscription> topics, probe p)
    : settings_(std::move(s)),
      topics_(std::move(topics)),
      probe_(p),
      strand_(asio::make_strand(io)),
      resolver_(strand_),
      retry_timer_(strand_),
      ping_timer_(strand_),
      connect_timer_(strand_),
      decoder_(settings_.version),
      delay_(settings_.reconnect_min) {}

subscriber::~subscriber() = default;

result<void> subscriber::start() {
  std::string url = settings_.url;
  std::string_view rest;
  if (url.starts_with("tcp://") || url.starts_with("mqtt://")) {
    rest = std::string_view(url).substr(url.find("://") + 3);
  } else if (url.starts_with("ssl://") || url.starts_with("mqtts://")) {
    rest = std::string_view(url).substr(url.find("://") + 3);
    tls_ = true;
  } else {
    return make_error("mqtt.url", "url must start with tcp:// or ssl:// (got '" + url + "')");
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  std::string_view host = rest, port = tls_ ? "8883" : "1883";
  if (rest.starts_with('[')) {  // [ipv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos) return make_error("mqtt.url", "bad IPv6 address in " + url);
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty() || port.empty()) return make_error("mqtt.url", "no host or port in " + url);
  host_ = host;
  port_ = port;
  if (tls_) {
    security::client_tls_options o;
    o.verify_peer = settings_.verify;
    o.ca_file = settings_.ca_file;
    o.cert_file = settings_.cert_file;
    o.key_file = settings_.key_file;
    o.key_password = settings_.key_password;
    o.server_name = host_;
    auto ctx = security::tls_context::make_client(std::move(o));
    if (!ctx) return make_error("mqtt.tls", "TLS setup failed: " + ctx.error().message);
    tls_context_.emplace(std::move(*ctx));
    if (!settings_.verify) log_.warn(settings_.client_id + ": TLS peer verification is off");
  }
  asio::post(strand_, [self = shared_from_this()] { self->connect(); });
  return {};
}

void subscriber::connect() {
  if (stopping_ || stop_reading_) return;
  ++generation_;
  decoder_.reset();
  writes_.clear();
  writing_ = reading_ = up_ = awaiting_pingresp_ = false;
  unacked_.clear();
  const std::uint64_t gen = generation_;
  auto self = shared_from_this();
  connect_timer_.expires_after(settings_.connect_timeout);
  connect_timer_.async_wait([self, gen](boost::system::error_code ec) {
    if (!ec && gen == self->generation_ && !self->up_) self->fail("no CONNACK within connect_timeout");
  });
  resolver_.async_resolve(host_, port_, [self, gen](boost::system::error_code ec, tcp::resolver::results_type rs) {
    if (gen != self->generation_) return;
    if (ec) return self->fail("resolve " + self->host_ + ": " + ec.message());
    tcp::socket* sock;
    if (self->tls_) {
      self->ssl_ = std::make_unique<asio::ssl::stream<tcp::socket>>(self->strand_, *self->tls_context_->current());
      self->socket_.reset();
      sock = &self->ssl_->next_layer();
    } else {
      self->socket_ = std::make_unique<tcp::socket>(self->strand_);
      self->ssl_.reset();
      sock = self->socket_.get();
    }
    asio::async_connect(*sock, rs, [self, gen](boost::system::error_code ec, const tcp::endpoint&) {
      if (gen != self->generation_) return;
      if (ec) return self->fail("connect " + self->settings_.url + ": " + ec.message());
      boost::system::error_code ignored;
      (self->ssl_ ? self->ssl_->next_layer() : *self->socket_).set_option(tcp::no_delay(true), ignored);
      if (!self->ssl_) return self->on_transport_ready();
      if (auto ok = self->tls_context_->prepare_client_connection(self->ssl_->native_handle(), self->host_); !ok) {
        return self->fail("TLS: " + ok.error().message);
      }
      self->ssl_->async_handshake(asio::ssl::stream_base::client, [self, gen](boost::system::error_code ec) {
        if (gen != self->generation_) return;
        if (ec) return self->fail("TLS handshake with " + self->settings_.url + ": " + ec.message());
        self->on_transport_ready();
      });
    });
  });
}

void subscriber::on_transport_ready() {
  codec::connect_options o;
  o.version = settings_.version;
  o.client_id = settings_.client_id;
  o.clean = settings_.clean_session;
  o.keep_alive = static_cast<std::uint16_t>(std::min<long>(settings_.keep_alive.count(), 65535));
  if (settings_.version == 5) {
    // MQTT 5 ends a session on disconnect unless it has an expiry interval.
    if (!settings_.clean_session) o.session_expiry = 0x7FFFFFFF;
    o.receive_maximum = static_cast<std::uint16_t>(std::min<std::size_t>(settings_.max_pending, 65535));
  }
  if (!settings_.username.empty()) o.username = settings_.username;
  if (!settings_.password.empty()) o.password = settings_.password;
  o.will_topic = settings_.will_topic;
  o.will_payload = settings_.will_payload;
  o.will_qos = settings_.will_qos;
  o.will_retain = settings_.will_retain;
  send(codec::encode_connect(o));
  read();
}

void subscriber::read() {
  if (reading_ || stop_reading_ || stopping_ || window_full()) return;
  if (!socket_ && !ssl_) return;
  reading_ = true;
  if (read_buf_.size() != 65536) read_buf_.resize(65536);
  auto handler = [self = shared_from_this(), gen = generation_](boost::system::error_code ec, std::size_t n) {
    if (gen != self->generation_) return;
    self->reading_ = false;
    if (ec) return self->fail(ec == asio::error::eof ? "broker closed the connection" : "read: " + ec.message());
    self->decoder_.feed(std::string_view(self->read_buf_.data(), n));
    self->process();
    if (gen == self->generation_) self->read();
  };
  if (ssl_) ssl_->async_read_some(asio::buffer(read_buf_), std::move(handler));
  else socket_->async_read_some(asio::buffer(read_buf_), std::move(handler));
}

void subscriber::process() {
  const std::uint64_t gen = generation_;
  while (!window_full() && !stop_reading_ && gen == generation_) {
    auto next = decoder_.next();
    if (!next) return fail(next.error().message);
    if (!*next) return;
    handle(std::move(**next));
  }
}

void subscriber::handle(codec::packet&& p) {
  if (auto* c = std::get_if<codec::connack>(&p)) return handle_connack(*c);
  if (!up_) return fail("broker sent a packet before CONNACK");
  if (auto* m = std::get_if<codec::publish>(&p)) return handle_publish(std::move(*m));
  if (auto* a = std::get_if<codec::ack>(&p)) {
    // QoS 2, second half: the broker released the message we PUBREC'd.
    if (a->type == codec::packet_type::pubrel) send(codec::encode_ack(codec::packet_type::pubcomp, a->packet_id));
    return;
  }
  if (std::holds_alternative<codec::pingresp>(p)) {
    awaiting_pingresp_ = false;
    return;
  }
  if (auto* s = std::get_if<codec::suback>(&p)) {
    for (std::size_t i = 0; i < s->codes.size() && i < topics_.size(); ++i) {
      if (s->codes[i] >= 0x80) log_.error(settings_.client_id + ": broker refused subscription " + topics_[i].filter);
    }
    return;
  }
  if (auto* d = std::get_if<codec::disconnect>(&p)) {
    return fail("broker sent DISCONNECT, reason " + std::to_string(d->reason));
  }
}

void subscriber::handle_connack(const codec::connack& c) {
  if (up_) return fail("second CONNACK");
  if (c.code != 0) {
    return fail("broker refused the connection (code " + std::to_string(c.code) + (c.reason.empty() ? "" : ", " + c.reason) + ")");
  }
  connect_timer_.cancel();
  up_ = true;
  delay_ = settings_.reconnect_min;
  if (!connected_.exchange(true) && probe_.connected) probe_.connected->Increment();
  log_.info(settings_.client_id + " connected to " + settings_.url + (c.session_present ? " (session resumed)" : ""));
  // Re-subscribing is harmless with a resumed session and needed without one.
  std::vector<codec::topic_request> req;
  for (const auto& t : topics_) req.push_back({t.filter, t.qos});
  if (!req.empty()) {
    send(codec::encode_subscribe(settings_.version, next_packet_id_, req));
    next_packet_id_ = static_cast<std::uint16_t>(next_packet_id_ % 65535 + 1);
  }
  auto keep_alive = c.server_keep_alive ? std::chrono::seconds(c.server_keep_alive) : settings_.keep_alive;
  if (keep_alive.count() > 0) {
    // Half the interval: one tick sends PINGREQ, the next checks the PINGRESP.
    auto period = std::max<std::chrono::milliseconds>(keep_alive / 2, std::chrono::milliseconds(500));
    auto tick = std::make_shared<std::function<void()>>();
    const std::uint64_t gen = generation_;
    *tick = [self = shared_from_this(), gen, period, weak_tick = std::weak_ptr(tick)] {
      self->ping_timer_.expires_after(period);
      self->ping_timer_.async_wait([self, gen, t = weak_tick.lock()](boost::system::error_code ec) {
        if (ec || gen != self->generation_ || !t) return;
        self->keep_alive_tick();
        if (gen == self->generation_) (*t)();
      });
    };
    (*tick)();
  }
}

void subscriber::keep_alive_tick() {
  // While the window is full the socket is not read, so a PINGRESP cannot be seen.
  if (awaiting_pingresp_ && !window_full() && !stop_reading_) return fail("no PINGRESP from the broker");
  send(codec::encode_pingreq());
  awaiting_pingresp_ = true;
}

void subscriber::handle_publish(codec::publish&& m) {
  if (probe_.messages_in) probe_.messages_in->Increment();
  unacked_.push_back({m.packet_id, m.qos, false, std::chrono::steady_clock::now()});
  const std::uint64_t seq = first_seq_ + unacked_.size() - 1;
  delivery d{(generation_ << kTicketSeqBits) | (seq & kTicketSeqMask), std::move(m)};
  if (on_message_) on_message_(std::move(d));
  else acknowledge(d.ticket);
}

bool subscriber::is_current(std::uint64_t ticket) const {
  return up_ && (ticket >> kTicketSeqBits) == generation_;
}

void subscriber::acknowledge(std::uint64_t ticket) {
  asio::post(strand_, [self = shared_from_this(), ticket] { self->acknowledge_on_strand(ticket); });
}

void subscriber::acknowledge_on_strand(std::uint64_t ticket) {
  if ((ticket >> kTicketSeqBits) != generation_ || !up_) return;  // connection gone: redelivered
  const std::uint64_t seq = ticket & kTicketSeqMask;
  if (seq < first_seq_ || seq - first_seq_ >= unacked_.size()) return;
  auto& u = unacked_[seq - first_seq_];
  u.answered = true;
  if (probe_.answered) {
    probe_.answered->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - u.received).count());
  }
  release_acks();
}

void subscriber::release_acks() {
  bool freed = false;
  const auto now = std::chrono::steady_clock::now();
  while (!unacked_.empty() && unacked_.front().answered) {
    const auto& u = unacked_.front();
    if (probe_.acked) probe_.acked->Observe(std::chrono::duration<double>(now - u.received).count());
    if (u.qos == 1) send(codec::encode_ack(codec::packet_type::puback, u.packet_id));
    if (u.qos == 2) send(codec::encode_ack(codec::packet_type::pubrec, u.packet_id));
    unacked_.pop_front();
    ++first_seq_;
    freed = true;
  }
  if (!freed) return;
  const std::uint64_t gen = generation_;
  process();  // packets buffered while the window was full
  if (gen == generation_) read();
}

void subscriber::send(std::string bytes) {
  writes_.push_back(std::move(bytes));
  write_next();
}

void subscriber::write_next() {
  if (writing_ || writes_.empty() || (!socket_ && !ssl_)) return;
  // Everything queued goes out in one write (a burst of PUBACKs is one segment).
  while (writes_.size() > 1) {
    writes_[0] += writes_[1];
    writes_.erase(writes_.begin() + 1);
  }
  writing_ = true;
  auto handler = [self = shared_from_this(), gen = generation_](boost::system::error_code ec, std::size_t) {
    if (gen != self->generation_) return;
    self->writing_ = false;
    if (ec) return self->fail("write: " + ec.message());
    self->writes_.pop_front();
    self->write_next();
  };
  if (ssl_) asio::async_write(*ssl_, asio::buffer(writes_.front()), std::move(handler));
  else asio::async_write(*socket_, asio::buffer(writes_.front()), std::move(handler));
}

void subscriber::fail(const std::string& why) {
  ++generation_;  // handlers and tickets of this connection are void now
  close_transport();
  ping_timer_.cancel();
  connect_timer_.cancel();
  const bool was_up = up_;
  up_ = false;
  if (connected_.exchange(false) && probe_.connected) probe_.connected->Decrement();
  if (!unacked_.empty()) {
    log_.warn(settings_.client_id + ": " + std::to_string(unacked_.size()) +
              " unacknowledged message(s) will be redelivered by the broker");
  }
  unacked_.clear();
  writes_.clear();
  writing_ = reading_ = awaiting_pingresp_ = false;
  if (stopping_) return;
  if (stop_reading_) {
    // Told to stop taking messages (shutdown, or a reload whose new input
    // now holds the session under the same client id): reconnecting would
    // take the session back and forth, and every takeover makes the broker
    // send the unacknowledged messages again.
    log_.info(settings_.client_id + ": connection closed while stopping (" + why +
              "); not reconnecting");
    return;
  }
  if (was_up) log_.warn(settings_.client_id + " lost its connection: " + why);
  else log_.warn(settings_.client_id + ": " + why);
  schedule_reconnect();
}

void subscriber::close_transport() {
  boost::system::error_code ec;
  if (ssl_) ssl_->lowest_layer().close(ec);
  if (socket_) socket_->close(ec);
}

void subscriber::schedule_reconnect() {
  if (probe_.reconnects) probe_.reconnects->Increment();
  retry_timer_.expires_after(delay_);
  delay_ = std::min(delay_ * 2, settings_.reconnect_max);
  retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->connect();
  });
}

void subscriber::stop_reading() {
  asio::post(strand_, [self = shared_from_this()] { self->stop_reading_ = true; });
}

void subscriber::stop() {
  if (stop_called_.exchange(true)) return;
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  asio::post(strand_, [self = shared_from_this(), done] {
    if (!self->stopping_) {
      self->stopping_ = true;
      self->retry_timer_.cancel();
      self->resolver_.cancel();
      if (self->up_ && !self->writing_) {
        // A clean DISCONNECT: the broker drops the will and keeps a persistent session.
        boost::system::error_code ec;
        auto bytes = codec::encode_disconnect();
        if (self->ssl_) asio::write(*self->ssl_, asio::buffer(bytes), ec);
        else if (self->socket_) asio::write(*self->socket_, asio::buffer(bytes), ec);
      }
      self->fail("stopped");
    }
    done->set_value();
  });
  fut.wait_for(std::chrono::seconds(1));
}

}  // namespace simpul::connectors::mqtt
