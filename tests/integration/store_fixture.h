#pragma once
// A fresh, migrated store with a little demo data, on SQLite or on PostgreSQL
// (KAM_TEST_PG_URL): the fixture every store suite is parameterised with.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "common/crypto.h"
#include "demo/demo_data.h"
#include "services/services.h"
#include "storage/migrations/migrations.h"

namespace kam::testing_support {

using json = nlohmann::json;

inline std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

// A fresh store of one kind, dropped afterwards.
class TempStore {
 public:
  explicit TempStore(const std::string& kind) {
    if (kind == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("kam-store-" + random_suffix());
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "kam.db").string();
    } else {
      const char* admin = std::getenv("KAM_TEST_PG_URL");
      if (!admin || !*admin) {
        skip_ = true;
        return;
      }
      admin_ = admin;
      name_ = "kam_gt_" + random_suffix();
      admin_exec("CREATE DATABASE " + name_);
      url_ = admin_.substr(0, admin_.rfind('/') + 1) + name_;
    }
  }
  ~TempStore() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!name_.empty()) admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  bool skip() const { return skip_; }
  const std::string& url() const { return url_; }

 private:
  void admin_exec(const std::string& sql) {
    PGconn* c = PQconnectdb(admin_.c_str());
    PQclear(PQexec(c, sql.c_str()));
    PQfinish(c);
  }
  std::filesystem::path dir_;
  std::string url_, admin_, name_;
  bool skip_ = false;
};

class StoreFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = std::make_unique<TempStore>(GetParam());
    if (store_->skip()) {
      if (std::getenv("KAM_REQUIRE_PG")) FAIL() << "KAM_TEST_PG_URL is not set";
      GTEST_SKIP() << "KAM_TEST_PG_URL not set";
    }
    auto d = db::Database::open(store_->url(), {.pool_size = 8});
    ASSERT_TRUE(d.ok()) << d.error().message;
    db_ = std::move(d).value();
    auto m = db::migrate(*db_, 0);
    ASSERT_TRUE(m.ok()) << m.error().message;
    demo::DemoOptions o;
    o.groups = 20;
    o.members = 400;
    o.individuals = 5;
    auto loaded = demo::load_demo(*db_, clock_, o);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    s_ = std::make_unique<services::Services>(*db_, clock_);
  }
  void TearDown() override {
    s_.reset();
    db_.reset();
    store_.reset();
  }

  services::Actor actor(const std::string& username) {
    auto lease = db_->acquire();
    auto row = (*lease)->query_one("SELECT id FROM users WHERE username = ?", {username});
    EXPECT_TRUE(row.ok() && row->has_value()) << username;
    // Sessions are how real requests get an actor: go through the same path.
    std::string token = crypto::random_token();
    EXPECT_TRUE(
        (*lease)
            ->exec("INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?, "
                   "?, ?, ?)",
                   {crypto::sha256_hex(token), (*row)->i64(0), clock_.now(), clock_.now() + 3600})
            .ok());
    auto a = s_->auth.authenticate(token, "test", "127.0.0.1");
    EXPECT_TRUE(a.ok());
    return *a;
  }
  int64_t count(const std::string& table) {
    auto lease = db_->acquire();
    auto row = (*lease)->query_one("SELECT COUNT(*) FROM " + table);
    return (*row)->i64(0);
  }
  json new_customer(const std::string& name) {
    return {
        {"name", name}, {"kind", "group"}, {"org_type", "enterprise"}, {"district_code", "320102"}};
  }

  FixedClock clock_{1795000000};  // 2026-11-18
  std::unique_ptr<TempStore> store_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<services::Services> s_;
};

}  // namespace kam::testing_support
