// spool_sqlite_bench: the same job as spool_bench on SQLite in WAL mode, to
// justify the segment log (docs/spool.md). Built only when SQLite3 is found.
//   ./build-rel/spool_sqlite_bench [messages] [dir]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

sqlite3* open_db(const std::string& path) {
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS spool(seq INTEGER PRIMARY KEY, mask INTEGER,"
                     " body BLOB);",
                     nullptr, nullptr, nullptr),
        db, "schema");
  return db;
}

// 4 threads share one connection (SQLite has one writer anyway); each insert
// is its own durable transaction unless `batch` > 1, which stands for a
// group commit done by hand.
double append_rate(sqlite3* db, int threads, int per_thread, int batch, const std::string& body) {
  std::mutex mu;
  sqlite3_stmt* ins = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO spool(mask, body) VALUES(1, ?)", -1, &ins, nullptr),
        db, "prepare");
  auto t0 = clock_type::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < per_thread; i += batch) {
        std::lock_guard lk(mu);
        check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
        for (int k = 0; k < batch && i + k < per_thread; ++k) {
          sqlite3_bind_blob(ins, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
          check(sqlite3_step(ins), db, "insert");
          sqlite3_reset(ins);
        }
        check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
      }
    });
  }
  for (auto& t : ts) t.join();
  sqlite3_finalize(ins);
  return threads * per_thread / std::chrono::duration<double>(clock_type::now() - t0).count();
}

double ack_rate(sqlite3* db, int batch) {
  sqlite3_stmt* sel = nullptr;
  sqlite3_stmt* del = nullptr;
  check(sqlite3_prepare_v2(db, "SELECT seq, body FROM spool ORDER BY seq LIMIT ?", -1, &sel, nullptr),
        db, "prepare");
  check(sqlite3_prepare_v2(db, "DELETE FROM spool WHERE seq = ?", -1, &del, nullptr), db,
        "prepare");
  long n = 0;
  auto t0 = clock_type::now();
  for (;;) {
    std::vector<sqlite3_int64> seqs;
    sqlite3_bind_int(sel, 1, batch);
    while (sqlite3_step(sel) == SQLITE_ROW) seqs.push_back(sqlite3_column_int64(sel, 0));
    sqlite3_reset(sel);
    if (seqs.empty()) break;
    check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
    for (auto s : seqs) {
      sqlite3_bind_int64(del, 1, s);
      check(sqlite3_step(del), db, "delete");
      sqlite3_reset(del);
    }
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    n += static_cast<long>(seqs.size());
  }
  sqlite3_finalize(sel);
  sqlite3_finalize(del);
  return static_cast<double>(n) / std::chrono::duration<double>(clock_type::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int total = argc > 1 ? std::atoi(argv[1]) : 100'000;
  std::string dir =
      argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() / "spool_sqlite_bench").string();
  std::string body(1100, 'x');  // ~ a 1 KB message with its envelope
  std::printf("spool_sqlite_bench: SQLite %s, WAL, synchronous=FULL, 4 threads, 1 KB\n",
              sqlite3_libversion());
  for (int batch : {1, 512}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto* db = open_db(dir + "/spool.db");
    int n = batch == 1 ? std::min(total, 8000) : total;
    double a = append_rate(db, 4, n / 4, batch, body);
    double k = ack_rate(db, 512);
    std::printf("txn per %3d message(s): appends/s %9.0f  | acks/s (512 per txn) %9.0f\n", batch,
                a, k);
    sqlite3_close(db);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
