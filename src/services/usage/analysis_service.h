#pragma once
// Value analysis across the customers a user may see (SPEC §2): summary by tier, grade, stage
// and risk; the Pareto curve of revenue or margin; monthly trends; comparisons month over
// month and year over year by manager, region, industry…; the value × risk matrix; the ranked
// customer list; and all of it as an Excel workbook.

#include "services/core/records.h"

namespace kam::services {

struct AnalysisQuery {
  int month = 0;                    // YYYYMM; 0 = the latest computed month
  std::string measure = "revenue";  // revenue | margin (pareto, compare)
  std::string dimension;  // compare: manager, region, district, industry, org_type, grade, tier,
                          // stage, risk
  int from = 0, to = 0;   // trend range (YYYYMM)
  std::string tier, stage, risk, grade;  // customer list filters
  std::string sort = "rank";             // customer list: rank, revenue, margin, clv, -revenue…
  int limit = 50;
  int64_t offset = 0;
  std::string lang = "zh-CN";  // export headings
};

class AnalysisService {
 public:
  explicit AnalysisService(Records& records) : records_(records) {}

  Result<json> summary(const Actor& a, AnalysisQuery q);
  Result<json> pareto(const Actor& a, AnalysisQuery q);
  Result<json> trend(const Actor& a, AnalysisQuery q);
  Result<json> compare(const Actor& a, AnalysisQuery q);
  Result<json> matrix(const Actor& a, AnalysisQuery q);
  Result<json> customers(const Actor& a, AnalysisQuery q);
  // The workbook's bytes.
  Result<std::string> export_xlsx(const Actor& a, AnalysisQuery q);

 private:
  // Checks the permission and resolves month 0 to the latest computed month (error when none).
  Status prepare(const Actor& a, db::Connection& c, AnalysisQuery& q);
  Records& records_;
};

}  // namespace kam::services
