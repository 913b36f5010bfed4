#pragma once
// Churn from the operator's own history (SPEC §3): customer features of a month built in bulk
// from the stored usage months (engine/usage_store, one read per month, aggregated per
// customer) and the archive (engine::ArchiveSnapshot, one load), and the label "churned within
// N months" from the months after it.
//
// A row is a customer (group or individual) with at least one active member (status normal or
// suspended) in the cutoff month M. Its label is 1 when, in some month of M+1 … M+N, more than
// half of the members active at M are gone from the usage or pre-cancelled / cancelled.
// Training stacks several cutoffs (M, M-1, …) so that a few years of history give enough
// churned examples; the same customer then appears once per cutoff.
//
//   auto h = churn_history_dataset(conn, {.month = 202608, .horizon = 3, .cutoffs = 12});
//   s.churn.train_from_dataset(actor, h->dataset, {.name = "history 2026-08"});
//   auto t = churn_features(conn, 202611);   // today's rows, for score_customers

#include <functional>

#include "churn/table.h"
#include "services/churn/churn_service.h"
#include "storage/db.h"

namespace kam::services {

// Months of usage before the cutoff its features read (levels and trends over 3 and 6 months).
inline constexpr int kChurnLookbackMonths = 6;

struct HistoryOptions {
  int month = 0;     // the last cutoff, YYYYMM; 0: the newest month whose horizon is stored
  int horizon = 3;   // churned within this many months after the cutoff (1-12)
  int cutoffs = 12;  // cutoff months stacked, newest first (1-36); fewer when history is short
};

struct HistoryDataset {
  churn::Dataset dataset;
  json summary;  // {"cutoffs": [{"month", "rows", "churned"}], "horizon", "rows", "churned"}
};

// Features of every customer active in `month` (YYYYMM), with the customer ids.
Result<ScoringTable> churn_features(db::Connection& c, int month);

// The training table from the stored history. `progress(done, total)` is called per month read.
Result<HistoryDataset> churn_history_dataset(
    db::Connection& c, const HistoryOptions& o,
    const std::function<void(size_t, size_t)>& progress = {});

}  // namespace kam::services
