#pragma once
// The customer archive (SPEC §1): customers and their hierarchy, members, key persons and the
// decision chain, contracts, contact timeline, needs, the account team with its assignment
// history and handovers, the 360 overview and the workbench summary.

#include "services/core/records.h"

namespace kam::services {

class ArchiveService {
 public:
  explicit ArchiveService(Records& records);

  Records& records() { return records_; }
  const RecordHooks& hooks(const domain::EntitySpec& s) const;

  Result<json> overview(const Actor& a, int64_t customer_id);
  Result<json> hierarchy(const Actor& a, int64_t customer_id);
  Result<json> assignments(const Actor& a, int64_t customer_id);
  Result<json> workbench(const Actor& a);

  // Handover (交接): a checklist that must be completed before the manager changes.
  Result<json> start_handover(const Actor& a, int64_t customer_id, const json& body);
  Result<json> get_handover(const Actor& a, int64_t id);
  Result<json> list_handovers(const Actor& a, const std::string& status, int64_t customer_id);
  Result<json> tick_handover_item(const Actor& a, int64_t handover_id, int64_t item_id,
                                  const json& body);
  Result<json> complete_handover(const Actor& a, int64_t id);
  Result<json> cancel_handover(const Actor& a, int64_t id, const json& body);

  // Recomputes the text the search looks at (name, short name, credit code, key persons).
  static Status refresh_search_text(db::Connection& c, int64_t customer_id);

 private:
  // Helpers that run on the caller's connection: a request never holds two pool connections,
  // which could deadlock the pool under load.
  Result<json> load_handover(db::Connection& c, int64_t id);
  Result<json> assignment_history(db::Connection& c, int64_t id);
  Result<std::optional<json>> visible_handover(db::Connection& c, const Actor& a, int64_t id);
  void init_customer_hooks();
  void init_child_hooks();

  Records& records_;
  RecordHooks customer_, member_, key_person_, contract_, contact_, need_;
};

}  // namespace kam::services
