#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace simpul::test {

/// A real mosquitto on 127.0.0.1 with its own config and persistence in
/// `dir`. `start()` waits until it accepts connections; the destructor kills it.
class mosquitto {
 public:
  explicit mosquitto(std::filesystem::path dir, std::string extra_config = {})
      : dir_(std::move(dir)), extra_(std::move(extra_config)), port_(free_port()) {}
  ~mosquitto() { stop(); }

  bool start() {
    std::ofstream conf(dir_ / "mosquitto.conf");
    conf << "listener " << port_ << " 127.0.0.1\n"
         << "allow_anonymous true\n"
         << "user root\n"  // keep access to the private temp dir when tests run as root
         << "persistence true\n"
         << "persistence_location " << (dir_ / "").string() << "\n"
         << "log_dest file " << (dir_ / "mosquitto.log").string() << "\n"
         << extra_;
    conf.close();
    pid_ = fork();
    if (pid_ == 0) {
      std::string path = (dir_ / "mosquitto.conf").string();
      execl("/usr/sbin/mosquitto", "mosquitto", "-c", path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (accepts()) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
    }
    return false;
  }

  /// SIGTERM: mosquitto saves its persistence file on the way out.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  int port() const { return port_; }
  std::string url(const char* scheme = "tcp") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
  }

  bool accepts() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port_));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  }

  std::filesystem::path dir_;
  std::string extra_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace simpul::test
