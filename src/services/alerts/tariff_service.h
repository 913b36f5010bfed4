#pragma once
// The tariff calculator (资费测算, SPEC §3): the package catalogue (records, maintained by
// admins and analysts) and the advice — for a member (its average usage of the last stored
// months), every member of a customer, or a typed-in usage — the monthly cost under every
// active package, the best fit and the saving against today's spend.

#include <optional>

#include "domain/tariff.h"
#include "services/core/records.h"

namespace kam::services {

struct AdviceQuery {
  std::optional<int64_t> member_id;
  std::optional<int64_t> customer_id;
  std::optional<domain::TariffUsage> usage;  // typed in
  std::optional<int64_t> current_fen;        // with typed usage: what the customer pays now
  int months = 3;                            // history averaged for members
};

class TariffService {
 public:
  explicit TariffService(Records& records);

  // Hooks of the catalogue's record routes: everyone with archive read may read it,
  // tariff.manage may change it.
  const RecordHooks& package_hooks() const { return hooks_; }

  // Exactly one of member_id, customer_id or usage. Members and customers outside the caller's
  // scope answer 404.
  Result<json> advice(const Actor& a, const AdviceQuery& q);

  // The active packages, cheapest first.
  Result<std::vector<domain::TariffPackage>> catalogue(db::Connection& c);

 private:
  Result<json> member_advice(db::Connection& c, const Actor& a, int64_t member_id, int months,
                             const std::vector<domain::TariffPackage>& cat);
  Result<json> customer_advice(db::Connection& c, const Actor& a, int64_t customer_id, int months,
                               const std::vector<domain::TariffPackage>& cat);

  Records& records_;
  RecordHooks hooks_;
};

}  // namespace kam::services
