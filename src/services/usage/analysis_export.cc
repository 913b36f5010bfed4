// The value analysis as an Excel workbook (libxlsxwriter): summary, ranking, comparisons by
// manager, region and industry, and the Pareto curve. Written to a temporary file, answered as
// bytes.

#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "domain/usage_fields.h"
#include "services/usage/analysis_service.h"

namespace kam::services {
namespace {

struct Labels {
  bool zh;
  const char* operator()(const char* zh_text, const char* en_text) const {
    return zh ? zh_text : en_text;
  }
};

class Sheet {
 public:
  Sheet(lxw_workbook* wb, const char* name, lxw_format* header, lxw_format* money)
      : ws_(workbook_add_worksheet(wb, name)), header_(header), money_(money) {}
  void headers(const std::vector<std::string>& h) {
    for (size_t c = 0; c < h.size(); ++c) {
      worksheet_write_string(ws_, 0, static_cast<lxw_col_t>(c), h[c].c_str(), header_);
      worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                           c == 0 ? 28 : 14, nullptr);
    }
    worksheet_freeze_panes(ws_, 1, 0);
  }
  void text(lxw_row_t r, lxw_col_t c, const std::string& s) {
    worksheet_write_string(ws_, r, c, s.c_str(), nullptr);
  }
  void number(lxw_row_t r, lxw_col_t c, double v) { worksheet_write_number(ws_, r, c, v, nullptr); }
  // Fen shown as yuan with two decimals.
  void yuan(lxw_row_t r, lxw_col_t c, int64_t fen) {
    worksheet_write_number(ws_, r, c, static_cast<double>(fen) / 100.0, money_);
  }

 private:
  lxw_worksheet* ws_;
  lxw_format* header_;
  lxw_format* money_;
};

std::string temp_path() {
  std::random_device rd;
  return (std::filesystem::temp_directory_path() /
          ("kam-export-" + std::to_string(rd()) + std::to_string(rd()) + ".xlsx"))
      .string();
}

}  // namespace

Result<std::string> AnalysisService::export_xlsx(const Actor& a, AnalysisQuery q) {
  if (q.lang != "zh-CN" && q.lang != "en") return Error::invalid("lang", "must be zh-CN or en");
  KAM_TRY(sum, summary(a, q));
  q.month = *domain::parse_month(sum["month"].get<std::string>());
  Labels L{q.lang == "zh-CN"};
  std::string path = temp_path();
  struct Cleanup {
    std::string p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } cleanup{path};
  lxw_workbook_options opts = {};
  opts.constant_memory = LXW_TRUE;
  opts.tmpdir = nullptr;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opts);
  if (!wb) return Error::internal("cannot create the Excel file");
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_bg_color(header, 0xDDEBF7);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");

  {
    Sheet s(wb, L("概览", "Summary"), header, money);
    s.headers({L("指标", "Measure"), L("本月", "This month"), L("上月", "Last month"),
               L("去年同月", "Year ago")});
    struct Line {
      const char* zh;
      const char* en;
      const char* key;
      bool fen;
    };
    const Line lines[] = {{"客户数", "Customers", "customers", false},
                          {"收入(元)", "Revenue (yuan)", "revenue_fen", true},
                          {"毛利(元)", "Margin (yuan)", "margin_fen", true},
                          {"欠费(元)", "Arrears (yuan)", "arrears_fen", true},
                          {"客户终身价值(元)", "Lifetime value (yuan)", "clv_fen", true},
                          {"在网成员", "Active members", "members_active", false},
                          {"关键成员", "Key members", "members_key", false},
                          {"通话分钟", "Minutes of use", "mou", false},
                          {"流量(MB)", "Data (MB)", "data_mb", false}};
    lxw_row_t r = 1;
    for (const auto& l : lines) {
      s.text(r, 0, L(l.zh, l.en));
      int c = 1;
      for (const char* period : {"current", "previous", "year_ago"}) {
        int64_t v = sum[period][l.key].get<int64_t>();
        if (l.fen) {
          s.yuan(r, static_cast<lxw_col_t>(c), v);
        } else {
          s.number(r, static_cast<lxw_col_t>(c), static_cast<double>(v));
        }
        ++c;
      }
      ++r;
    }
    ++r;
    for (const char* by : {"by_tier", "by_grade", "by_stage", "by_risk"}) {
      for (const auto& [k, v] : sum[by].items()) {
        s.text(r, 0, std::string(by + 3) + ": " + k);
        s.number(r, 1, static_cast<double>(v["customers"].get<int64_t>()));
        s.yuan(r, 2, v["revenue_fen"].get<int64_t>());
        ++r;
      }
    }
  }
  {
    Sheet s(wb, L("客户排名", "Ranking"), header, money);
    s.headers({L("客户", "Customer"), L("排名", "Rank"), L("等级", "Tier"), L("分级", "Grade"),
               L("生命周期", "Stage"), L("风险", "Risk"), L("收入(元)", "Revenue (yuan)"),
               L("毛利(元)", "Margin (yuan)"), L("终身价值(元)", "CLV (yuan)"), L("总分", "Score"),
               L("客户经理", "Account manager")});
    AnalysisQuery page = q;
    page.limit = 200;
    lxw_row_t r = 1;
    for (page.offset = 0; r <= 100'000;) {
      KAM_TRY(list, customers(a, page));
      for (const auto& c : list["items"]) {
        s.text(r, 0, c["name"].get<std::string>());
        s.number(r, 1, static_cast<double>(c["rank"].get<int64_t>()));
        s.text(r, 2, c["tier"].get<std::string>());
        s.text(r, 3, c["grade"].get<std::string>());
        s.text(r, 4, c["stage"].get<std::string>());
        s.text(r, 5, c["risk"].get<std::string>());
        s.yuan(r, 6, c["revenue_fen"].get<int64_t>());
        s.yuan(r, 7, c["margin_fen"].get<int64_t>());
        s.yuan(r, 8, c["clv_fen"].get<int64_t>());
        s.number(r, 9, c["total_score"].get<double>());
        s.text(r, 10, c["account_manager_name"].get<std::string>());
        ++r;
      }
      if (list["next_cursor"].is_null()) break;
      page.offset += page.limit;
    }
  }
  struct ByDim {
    const char* dim;
    const char* zh;
    const char* en;
  };
  for (const auto& d :
       {ByDim{"manager", "按客户经理", "By manager"}, ByDim{"region", "按地区", "By region"},
        ByDim{"industry", "按行业", "By industry"}}) {
    AnalysisQuery cq = q;
    cq.dimension = d.dim;
    KAM_TRY(cmp, compare(a, cq));
    Sheet s(wb, L(d.zh, d.en), header, money);
    s.headers({L("名称", "Name"), L("本月收入(元)", "Revenue (yuan)"),
               L("上月(元)", "Last month (yuan)"), L("环比%", "MoM %"),
               L("去年同月(元)", "Year ago (yuan)"), L("同比%", "YoY %"), L("客户数", "Customers"),
               L("在网成员", "Active members")});
    lxw_row_t r = 1;
    for (const auto& it : cmp["items"]) {
      s.text(r, 0, it["label"].is_string() ? it["label"].get<std::string>() : "");
      s.yuan(r, 1, it["value_fen"].get<int64_t>());
      s.yuan(r, 2, it["previous_fen"].get<int64_t>());
      s.number(r, 3, it["mom_pct"].get<double>());
      s.yuan(r, 4, it["year_ago_fen"].get<int64_t>());
      s.number(r, 5, it["yoy_pct"].get<double>());
      s.number(r, 6, static_cast<double>(it["customers"].get<int64_t>()));
      s.number(r, 7, static_cast<double>(it["members_active"].get<int64_t>()));
      ++r;
    }
  }
  {
    KAM_TRY(p, pareto(a, q));
    Sheet s(wb, L("帕累托", "Pareto"), header, money);
    s.headers({L("客户占比%", "Customers %"), L("累计收入占比%", "Cumulative revenue %")});
    lxw_row_t r = 1;
    for (const auto& pt : p["points"]) {
      s.number(r, 0, pt["customers_pct"].get<double>());
      s.number(r, 1, pt["cumulative_pct"].get<double>());
      ++r;
    }
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return Error::internal("writing the Excel file failed");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return Error::internal("the Excel file is empty");
  return bytes;
}

}  // namespace kam::services
