// The customer's written confirmation of an order: a PDF, PNG or JPEG (checked by its first
// bytes, at most 10 MiB) kept in the store.

#include <filesystem>
#include <fstream>

#include "common/crypto.h"

#include "services/orders/order_common.h"

namespace kam::services {
namespace {

constexpr int64_t kMaxDocumentBytes = 10 * 1024 * 1024;

// Magic bytes of the documents a customer's confirmation may come as.
std::optional<std::string> sniff_document(const std::string& head) {
  if (head.rfind("%PDF-", 0) == 0) return "application/pdf";
  if (head.size() >= 8 && head.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "image/png";
  if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xFF &&
      static_cast<unsigned char>(head[1]) == 0xD8 && static_cast<unsigned char>(head[2]) == 0xFF) {
    return "image/jpeg";
  }
  return std::nullopt;
}
}  // namespace

// --- Documents ------------------------------------------------------------------------------

Result<json> OrderService::add_document(const Actor& a, int64_t order_id,
                                        const std::string& file_name, const std::string& path) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot work orders");
  // Scope before the file: an order outside it answers 404 whatever was sent.
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(w, begin_write(a, order_id));
  auto& tx = *w->tx;
  auto& c = tx.conn();
  auto& row = w->row;
  if (file_name.empty() || utf8_length(file_name) > 200 ||
      in::has_control_chars(file_name, false)) {
    return Error::invalid("file_name", "must be 1 to 200 characters without control characters");
  }
  // The size from the file system before a byte is read into memory (the server refuses a
  // declared length over the limit already; this holds for in-process callers too).
  std::error_code size_ec;
  auto size = path.empty() ? 0 : std::filesystem::file_size(path, size_ec);
  if (path.empty() || size_ec) return Error::invalid("", "the request has no file body");
  if (size == 0) return Error::invalid("", "the uploaded file is empty");
  if (size > static_cast<uintmax_t>(kMaxDocumentBytes))
    return Error{ErrorCode::kTooLarge, "a confirmation is at most 10 MB", ""};
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error::invalid("", "the request has no file body");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string data = ss.str();
  auto type = sniff_document(data.substr(0, 16));
  if (!type) return Error::invalid("file", "must be a PDF, PNG or JPEG document");
  std::string state = row->text(sql::kState);
  if (state != "construction" && state != "confirmation") {
    return Error::conflict(
        "the customer's confirmation is uploaded after construction (now " + state + ")", "state");
  }
  std::string sha = crypto::sha256_hex(data);
  KAM_TRY(idrow, c.query_one("INSERT INTO order_documents(order_id, file_name, content_type, "
                             "size_bytes, sha256, data, uploaded_by, uploaded_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                             {order_id, file_name, *type, static_cast<int64_t>(data.size()), sha,
                              db::Blob{data}, in::user_value(a), now}));
  int64_t id = idrow->i64(0);
  json out = {{"id", id},
              {"order_id", order_id},
              {"file_name", file_name},
              {"content_type", *type},
              {"size_bytes", static_cast<int64_t>(data.size())},
              {"sha256", sha},
              {"uploaded_at", iso8601(now)}};
  KAM_CHECK(write_audit(c, clock, a, "create", "order_document", id, nullptr, out));
  KAM_CHECK(tx.commit());
  return out;
}

Result<OrderDocument> OrderService::document(const Actor& a, int64_t order_id,
                                             int64_t document_id) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read orders");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(row, load_row(*lease, a, order_id));
  if (!row) return Error::not_found("order");
  KAM_TRY(
      d,
      lease->query_one(
          "SELECT file_name, content_type, data FROM order_documents WHERE id = ? AND order_id = ?",
          {document_id, order_id}));
  if (!d) return Error::not_found("document");
  return OrderDocument{d->text(0), d->text(1), d->blob(2)};
}

}  // namespace kam::services
