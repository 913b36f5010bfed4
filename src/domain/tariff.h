#pragma once
// The tariff calculator (资费测算, SPEC §3): what a month of usage costs under each package of
// the catalogue — the monthly fee plus overage for minutes, data and SMS beyond what the
// package includes — the best fit, and the saving against what the customer pays now. Pure
// computation; TariffService feeds it the catalogue and the usage.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/entity_spec.h"

namespace kam::domain {

// One package of the catalogue. Money is fen; overage prices are fen per unit.
struct TariffPackage {
  int64_t id = 0;
  std::string name;
  int64_t monthly_fee_fen = 0;
  int64_t minutes = 0;  // included outgoing minutes
  int64_t data_mb = 0;  // included data
  int64_t sms = 0;      // included SMS
  int64_t overage_minute_fen = 0;
  int64_t overage_mb_fen = 0;
  int64_t overage_sms_fen = 0;
};

// A month of usage (or the average of a few months).
struct TariffUsage {
  int64_t mou = 0;
  int64_t data_mb = 0;
  int64_t sms = 0;
};

struct TariffCost {
  int64_t package_id = 0;
  std::string name;
  int64_t monthly_fee_fen = 0;
  int64_t minutes_over = 0, data_mb_over = 0, sms_over = 0;  // units beyond the allowance
  int64_t minutes_fen = 0, data_fen = 0, sms_fen = 0;        // overage charges
  int64_t total_fen = 0;                                     // fee + overage
};

TariffCost tariff_cost(const TariffPackage& p, const TariffUsage& u);

struct TariffAdvice {
  std::vector<TariffCost> options;  // every package, cheapest first
  std::optional<TariffCost> best;   // the cheapest (ties: fewer overage units, lower fee, lower id)
  std::optional<int64_t> current_fen;  // what the customer pays now, when known
  int64_t saving_fen = 0;              // current − best when positive, else 0
};

// Costs under every package. `current_fen` is the customer's present monthly spend, if known.
TariffAdvice advise(const std::vector<TariffPackage>& catalogue, const TariffUsage& u,
                    std::optional<int64_t> current_fen);

// The record spec of the catalogue (table tariff_packages), for the generic record routes.
const EntitySpec& tariff_package_spec();

}  // namespace kam::domain
