#pragma once
// A bounded pool of connections shared by both store implementations.

#include <condition_variable>
#include <functional>
#include <mutex>

#include "storage/db.h"

namespace kam::db {

class PooledDatabase : public Database {
 public:
  using Connector = std::function<Result<std::unique_ptr<Connection>>()>;
  PooledDatabase(Dialect dialect, std::string description, Options options, Connector connect)
      : dialect_(dialect),
        description_(std::move(description)),
        options_(options),
        connect_(std::move(connect)) {}

  Dialect dialect() const override { return dialect_; }
  std::string describe() const override { return description_; }
  Result<Lease> acquire() override;
  void release(std::unique_ptr<Connection> conn) override;
  // Hands the pool a connection opened outside it (the probe made at open time).
  void adopt(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

 private:
  Dialect dialect_;
  std::string description_;
  Options options_;
  Connector connect_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_
};

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, Options options);
Result<std::unique_ptr<Database>> open_postgres(const std::string& url, Options options);

}  // namespace kam::db
