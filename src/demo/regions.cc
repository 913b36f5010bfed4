// Jiangsu province (江苏省) with its cities and a selection of districts, GB/T 2260 codes.

#include "demo/demo_data.h"

namespace kam::demo {

Status load_regions(db::Connection& c) {
  struct City {
    const char* code;
    const char* name;
    std::vector<std::pair<const char*, const char*>> districts;
  };
  static const std::vector<City> cities = {
      {"320100",
       "南京市",
       {{"320102", "玄武区"},
        {"320104", "秦淮区"},
        {"320105", "建邺区"},
        {"320106", "鼓楼区"},
        {"320111", "浦口区"},
        {"320113", "栖霞区"},
        {"320114", "雨花台区"},
        {"320115", "江宁区"}}},
      {"320200",
       "无锡市",
       {{"320205", "锡山区"},
        {"320206", "惠山区"},
        {"320211", "滨湖区"},
        {"320213", "梁溪区"},
        {"320214", "新吴区"}}},
      {"320300",
       "徐州市",
       {{"320302", "鼓楼区"},
        {"320303", "云龙区"},
        {"320305", "贾汪区"},
        {"320311", "泉山区"},
        {"320312", "铜山区"}}},
      {"320400",
       "常州市",
       {{"320402", "天宁区"}, {"320404", "钟楼区"}, {"320411", "新北区"}, {"320412", "武进区"}}},
      {"320500",
       "苏州市",
       {{"320505", "虎丘区"},
        {"320506", "吴中区"},
        {"320507", "相城区"},
        {"320508", "姑苏区"},
        {"320509", "吴江区"},
        {"320583", "昆山市"}}},
      {"320600", "南通市", {{"320602", "崇川区"}, {"320612", "通州区"}, {"320614", "海门区"}}},
      {"320700", "连云港市", {{"320703", "连云区"}, {"320706", "海州区"}}},
      {"320800", "淮安市", {{"320803", "淮安区"}, {"320812", "清江浦区"}}},
      {"320900", "盐城市", {{"320902", "亭湖区"}, {"320903", "盐都区"}}},
      {"321000", "扬州市", {{"321002", "广陵区"}, {"321003", "邗江区"}, {"321012", "江都区"}}},
      {"321100", "镇江市", {{"321102", "京口区"}, {"321111", "润州区"}, {"321112", "丹徒区"}}},
      {"321200", "泰州市", {{"321202", "海陵区"}, {"321203", "高港区"}}},
      {"321300", "宿迁市", {{"321302", "宿城区"}, {"321311", "宿豫区"}}},
  };
  KAM_TRY(existing, c.query_one("SELECT COUNT(*) FROM regions"));
  if (existing && existing->i64(0) > 0) return {};
  const char* sql = "INSERT INTO regions(code, name, level, parent_code) VALUES (?, ?, ?, ?)";
  KAM_CHECK(c.exec(
      sql, {std::string("320000"), std::string("江苏省"), std::string("province"), nullptr}));
  for (const auto& city : cities) {
    KAM_CHECK(c.exec(sql, {std::string(city.code), std::string(city.name), std::string("city"),
                           std::string("320000")}));
    for (const auto& [code, name] : city.districts) {
      KAM_CHECK(c.exec(sql, {std::string(code), std::string(name), std::string("district"),
                             std::string(city.code)}));
    }
  }
  return {};
}

}  // namespace kam::demo
