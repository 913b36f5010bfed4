// The churn model file and the scores file.
//
// Model file layout (all integers little-endian):
//   0  "KAMCHURN"            magic, 8 bytes
//   8  u32 format version    kFileVersion
//   12 u32 reserved          0
//   16 u64 schema length     S
//   24 u64 model length      M
//   32 64 hex chars          SHA-256 of the S + M bytes that follow
//   96 schema JSON (S bytes), then the XGBoost model as UBJSON (M bytes)
// The schema JSON names its own format ("kam.churn.model/1"), so a file written for another
// schema is refused by name, a damaged one by its checksum.

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "churn/model.h"
#include "churn/xgb.h"
#include "common/crypto.h"

namespace kam::churn {
namespace {

constexpr char kMagic[8] = {'K', 'A', 'M', 'C', 'H', 'U', 'R', 'N'};
constexpr uint32_t kFileVersion = 1;
constexpr size_t kHeaderSize = 96;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t get_le(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

Error corrupted(const std::string& why) {
  return Error::invalid("model", "the model file is corrupted (" + why + ")");
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

}  // namespace

Result<std::string> Model::to_bytes() const {
  KAM_TRY(model, booster_->save());
  std::string schema = schema_.to_json().dump();
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kFileVersion);
  put_u32(out, 0);
  put_u64(out, schema.size());
  put_u64(out, model.size());
  std::string body = schema + model;
  out += crypto::sha256_hex(body);
  out += body;
  return out;
}

Result<Model> Model::from_bytes(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return Error::invalid("model",
                          "this is not a KAM churn model file (it does not start with KAMCHURN)");
  }
  if (bytes.size() < kHeaderSize) return corrupted("the header is cut short");
  uint64_t version = get_le(bytes, 8, 4);
  if (version != kFileVersion) {
    return Error::invalid("model", "the model file has format version " + std::to_string(version) +
                                       "; this kam reads version " + std::to_string(kFileVersion));
  }
  uint64_t schema_len = get_le(bytes, 16, 8), model_len = get_le(bytes, 24, 8);
  uint64_t body_len = bytes.size() - kHeaderSize;
  if (schema_len > body_len || model_len != body_len - schema_len) {
    return corrupted("its length does not match its header: truncated or extended");
  }
  std::string_view body = bytes.substr(kHeaderSize);
  if (crypto::sha256_hex(body) != bytes.substr(32, 64)) return corrupted("checksum mismatch");
  auto j = nlohmann::json::parse(body.substr(0, schema_len), nullptr, false);
  if (j.is_discarded()) return corrupted("its schema is not JSON");
  KAM_TRY(schema, ModelSchema::from_json(j));
  auto booster = xgb::Booster::load(body.substr(schema_len));
  if (!booster) return corrupted(booster.error().message);
  KAM_TRY(rounds, booster->rounds());
  if (rounds != schema.rounds) return corrupted("the trees do not match the schema");
  return Model(std::move(schema), std::make_shared<const xgb::Booster>(std::move(booster).value()));
}

Status Model::save(const std::string& path) const {
  KAM_TRY(bytes, to_bytes());
  return write_file_atomically(path, bytes);
}

Result<Model> Model::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid("model", "cannot open model file " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Error::invalid("model", "cannot read model file " + path);
  return from_bytes(buf.str());
}

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  std::random_device rd;
  fs::path tmp = target;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error::invalid("output", "cannot write " + tmp.string());
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      return Error::invalid("output", "cannot write " + tmp.string() + " (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return Error::invalid("output", "cannot write " + path + ": " + ec.message());
  }
  return {};
}

std::string scores_csv(const FeatureTable& t, const Scores& s, const std::string& id_header) {
  std::string out =
      csv_field(id_header.empty() ? "line" : id_header) + ",score,factor1,factor2,factor3,notes\n";
  out.reserve(out.size() + t.rows * 96);
  char num[32];
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.ids.empty())
      out += csv_field(t.ids[r]);
    else
      out += std::to_string(r < t.lines.size() ? t.lines[r] : r + 1);
    std::snprintf(num, sizeof num, ",%.6f", s.scores[r]);
    out += num;
    for (size_t k = 0; k < 3; ++k) {
      out += ',';
      if (k >= s.factors[r].size()) continue;
      const Factor& f = s.factors[r][k];
      std::snprintf(num, sizeof num, " (+%.3f)", f.contribution);
      out += csv_field(f.value + num);
    }
    out += ',';
    if (r < s.report.row_notes.size()) out += csv_field(s.report.row_notes[r]);
    out += '\n';
  }
  return out;
}

}  // namespace kam::churn
