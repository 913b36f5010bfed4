// The value analysis as an Excel workbook (libxlsxwriter): summary, ranking, comparisons by
// manager, region and industry, and the Pareto curve. Written to a temporary file, answered as
// bytes.

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
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

// The words for the codes the workbook shows (value tier, grade, lifecycle stage, risk), in the
// file's language; the same words as the web's catalogues.
struct CodeWord {
  const char* code;
  const char* zh;
  const char* en;
};
constexpr CodeWord kCodeWords[] = {
    {"gold", "金牌", "Gold"},
    {"silver", "银牌", "Silver"},
    {"bronze", "铜牌", "Bronze"},
    {"do_not_serve", "暂不服务", "Do not serve"},
    {"important", "重要", "Important"},
    {"extra_large", "特大", "Extra-large"},
    {"ordinary", "普通", "Ordinary"},
    {"small", "小微", "Small"},
    {"individual", "个人", "Individual"},
    {"acquisition", "获取期", "Acquisition"},
    {"growth", "提升期", "Growth"},
    {"maturity", "成熟期", "Maturity"},
    {"decline", "衰退期", "Decline"},
    {"churn", "离网", "Churn"},
    {"low", "低风险", "Low risk"},
    {"medium", "中风险", "Medium risk"},
    {"high", "高风险", "High risk"},
};

// Cell formats: money in yuan, whole counts, one decimal (scores, percentages), headers.
struct Formats {
  lxw_format* header;
  lxw_format* money;
  lxw_format* count;
  lxw_format* one_decimal;
};

class Sheet {
 public:
  Sheet(lxw_workbook* wb, const char* name, const Formats& f)
      : ws_(workbook_add_worksheet(wb, name)), f_(f) {}
  void headers(const std::vector<std::string>& h, lxw_row_t row = 0) {
    for (size_t c = 0; c < h.size(); ++c) {
      worksheet_write_string(ws_, row, static_cast<lxw_col_t>(c), h[c].c_str(), f_.header);
      if (row == 0)
        worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                             c == 0 ? 28 : 14, nullptr);
    }
    if (row == 0) worksheet_freeze_panes(ws_, 1, 0);
  }
  void text(lxw_row_t r, lxw_col_t c, const std::string& s) {
    worksheet_write_string(ws_, r, c, s.c_str(), nullptr);
  }
  void count(lxw_row_t r, lxw_col_t c, int64_t v) {
    worksheet_write_number(ws_, r, c, static_cast<double>(v), f_.count);
  }
  // Shown with one decimal, stored rounded to it (scores, percentages).
  void decimal(lxw_row_t r, lxw_col_t c, double v) {
    worksheet_write_number(ws_, r, c, std::round(v * 10.0) / 10.0, f_.one_decimal);
  }
  // Fen shown as yuan with two decimals.
  void yuan(lxw_row_t r, lxw_col_t c, int64_t fen) {
    worksheet_write_number(ws_, r, c, static_cast<double>(fen) / 100.0, f_.money);
  }

 private:
  lxw_worksheet* ws_;
  const Formats& f_;
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
  auto word = [&](const std::string& code) -> std::string {
    for (const auto& w : kCodeWords)
      if (code == w.code) return L(w.zh, w.en);
    return code;
  };
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
  Formats fmt{workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb),
              workbook_add_format(wb)};
  format_set_bold(fmt.header);
  format_set_bg_color(fmt.header, 0xDDEBF7);
  format_set_num_format(fmt.money, "#,##0.00");
  format_set_num_format(fmt.count, "#,##0");
  format_set_num_format(fmt.one_decimal, "#,##0.0");

  {
    Sheet s(wb, L("概览", "Summary"), fmt);
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
          s.count(r, static_cast<lxw_col_t>(c), v);
        }
        ++c;
      }
      ++r;
    }
    // The month's customers and revenue by tier, grade, stage and risk: a table of its own.
    ++r;
    s.headers(
        {L("本月分布", "This month by"), L("客户数", "Customers"), L("收入(元)", "Revenue (yuan)")},
        r++);
    struct By {
      const char* key;
      const char* zh;
      const char* en;
    };
    for (const auto& by :
         {By{"by_tier", "价值层级", "Value tier"}, By{"by_grade", "分级", "Grade"},
          By{"by_stage", "生命周期", "Lifecycle stage"}, By{"by_risk", "风险", "Risk"}}) {
      // In the order of the words (gold before silver …), any other code after them.
      std::vector<std::string> keys;
      for (const auto& w : kCodeWords)
        if (sum[by.key].contains(w.code)) keys.emplace_back(w.code);
      for (const auto& [k, v] : sum[by.key].items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
      for (const auto& k : keys) {
        const auto& v = sum[by.key][k];
        s.text(r, 0, std::string(L(by.zh, by.en)) + L("：", ": ") + word(k));
        s.count(r, 1, v["customers"].get<int64_t>());
        s.yuan(r, 2, v["revenue_fen"].get<int64_t>());
        ++r;
      }
    }
  }
  {
    Sheet s(wb, L("客户排名", "Ranking"), fmt);
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
        s.count(r, 1, c["rank"].get<int64_t>());
        s.text(r, 2, word(c["tier"].get<std::string>()));
        s.text(r, 3, word(c["grade"].get<std::string>()));
        s.text(r, 4, word(c["stage"].get<std::string>()));
        s.text(r, 5, word(c["risk"].get<std::string>()));
        s.yuan(r, 6, c["revenue_fen"].get<int64_t>());
        s.yuan(r, 7, c["margin_fen"].get<int64_t>());
        s.yuan(r, 8, c["clv_fen"].get<int64_t>());
        s.decimal(r, 9, c["total_score"].get<double>());
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
    Sheet s(wb, L(d.zh, d.en), fmt);
    s.headers({L("名称", "Name"), L("本月收入(元)", "Revenue (yuan)"),
               L("上月(元)", "Last month (yuan)"), L("环比%", "MoM %"),
               L("去年同月(元)", "Year ago (yuan)"), L("同比%", "YoY %"), L("客户数", "Customers"),
               L("在网成员", "Active members")});
    lxw_row_t r = 1;
    for (const auto& it : cmp["items"]) {
      s.text(r, 0, it["label"].is_string() ? it["label"].get<std::string>() : "");
      s.yuan(r, 1, it["value_fen"].get<int64_t>());
      s.yuan(r, 2, it["previous_fen"].get<int64_t>());
      s.decimal(r, 3, it["mom_pct"].get<double>());
      s.yuan(r, 4, it["year_ago_fen"].get<int64_t>());
      s.decimal(r, 5, it["yoy_pct"].get<double>());
      s.count(r, 6, it["customers"].get<int64_t>());
      s.count(r, 7, it["members_active"].get<int64_t>());
      ++r;
    }
  }
  {
    KAM_TRY(p, pareto(a, q));
    Sheet s(wb, L("帕累托", "Pareto"), fmt);
    s.headers({L("客户占比%", "Customers %"), L("累计收入占比%", "Cumulative revenue %")});
    lxw_row_t r = 1;
    for (const auto& pt : p["points"]) {
      s.decimal(r, 0, pt["customers_pct"].get<double>());
      s.decimal(r, 1, pt["cumulative_pct"].get<double>());
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
