#include "domain/entity_spec.h"

#include "domain/roles.h"

namespace kam::domain {
namespace {

using enum FieldType;

FieldSpec str(std::string name, int max_len, bool required = false) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = kString;
  f.max_len = max_len;
  f.required = required;
  return f;
}
FieldSpec text(std::string name, int max_len = 4000) {
  FieldSpec f = str(std::move(name), max_len);
  f.type = kText;
  return f;
}
FieldSpec enm(std::string name, std::vector<std::string> values, std::string def = {},
              bool required = false) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = kEnum;
  f.values = std::move(values);
  f.default_value = std::move(def);
  f.required = required;
  f.filter = true;
  return f;
}
FieldSpec typed(std::string name, FieldType t) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = t;
  return f;
}
FieldSpec ref(std::string name, std::string table) {
  FieldSpec f = typed(std::move(name), kRef);
  f.ref = std::move(table);
  f.min = 1;
  return f;
}
template <class F>
FieldSpec with(FieldSpec f, F&& edit) {
  edit(f);
  return f;
}

}  // namespace

const std::vector<std::string>& org_types() {
  static const std::vector<std::string> v = {"government", "police",  "enterprise", "education",
                                             "healthcare", "finance", "other"};
  return v;
}

const std::vector<std::string>& customer_statuses() {
  static const std::vector<std::string> v = {"prospect", "active", "dormant", "churned"};
  return v;
}

bool is_important_org_type(std::string_view t) {
  return t == "government" || t == "police" || t == "enterprise" || t == "education";
}

const EntitySpec& customer_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "customer";
    e.table = "customers";
    e.path = "customers";
    e.title = "customer";
    e.scoping = Scoping::kCustomer;
    e.default_sort = "name";
    e.outsider_fields = {"id",
                         "kind",
                         "name",
                         "short_name",
                         "credit_code",
                         "industry",
                         "province_code",
                         "city_code",
                         "district_code",
                         "city_name",
                         "district_name",
                         "address",
                         "parent_id",
                         "status",
                         "account_manager_name"};
    e.extra_select =
        "(SELECT display_name FROM users WHERE id = t.account_manager_id) AS account_manager_name, "
        "(SELECT display_name FROM users WHERE id = t.phone_manager_id) AS phone_manager_name, "
        "(SELECT name FROM regions WHERE code = t.city_code) AS city_name, "
        "(SELECT name FROM regions WHERE code = t.district_code) AS district_name";
    e.fields = {
        with(enm("kind", {"group", "individual"}, "group"), [](auto& f) { f.immutable = true; }),
        with(str("name", 200, true), [](auto& f) { f.sort = true; }),
        str("short_name", 60),
        with(str("credit_code", 18),
             [](auto& f) {
               f.check = Check::kCreditCode;
               f.filter = true;
               f.description =
                   "unified social credit code (GB 32100-2015), check character validated";
             }),
        with(str("industry", 60), [](auto& f) { f.filter = true; }),
        enm("org_type", org_types(), "enterprise"),
        with(typed("province_code", kRefText), [](auto& f) { f.ref = "regions"; }),
        with(typed("city_code", kRefText), [](auto& f) { f.ref = "regions"; }),
        with(typed("district_code", kRefText), [](auto& f) { f.ref = "regions"; }),
        str("address", 300),
        with(typed("employees", kInt),
             [](auto& f) {
               f.min = 0;
               f.max = 10'000'000;
               f.sort = true;
             }),
        with(ref("parent_id", "customers"),
             [](auto& f) {
               f.filter = true;
               f.description = "parent group (集团上级); any depth, no cycles";
             }),
        enm("status", customer_statuses(), "active"),
        with(typed("competitors", kJson),
             [](auto& f) {
               f.default_value = "[]";
               f.description =
                   "operators also serving this customer: [{operator, services, bundle_end_date}]";
             }),
        enm("brand", {"premium", "ordinary"}),
        str("package", 100),
        enm("sensitivity", {"security", "price", "service", "brand"}),
        with(str("phone", 20),
             [](auto& f) {
               f.check = Check::kMobile;
               f.mask = Mask::kPhone;
             }),
        with(str("id_number", 18),
             [](auto& f) {
               f.check = Check::kResidentId;
               f.mask = Mask::kIdNumber;
             }),
        with(ref("account_manager_id", "users"),
             [](auto& f) {
               f.immutable = true;
               f.filter = true;
               f.description = "set at creation; changed only through a handover";
             }),
        with(ref("phone_manager_id", "users"),
             [](auto& f) {
               f.immutable = true;
               f.filter = true;
             }),
        text("note", 2000),
    };
    return e;
  }();
  return s;
}

const EntitySpec& member_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "member";
    e.table = "members";
    e.path = "members";
    e.title = "member";
    e.default_sort = "id";
    e.outsider_fields = {"id",      "customer_id", "number", "kind",          "name",
                         "package", "join_date",   "status", "tenure_months", "monthly_spend_fen"};
    e.fields = {
        with(str("number", 32, true),
             [](auto& f) {
               f.check = Check::kLineNumber;
               f.mask = Mask::kPhone;
               f.filter = true;
             }),
        enm("kind", {"mobile", "fixed", "broadband", "circuit", "iot"}, "mobile"),
        str("name", 60),
        with(str("id_number", 18),
             [](auto& f) {
               f.check = Check::kResidentId;
               f.mask = Mask::kIdNumber;
             }),
        str("package", 100),
        with(typed("join_date", kDate),
             [](auto& f) {
               f.required = true;
               f.sort = true;
             }),
        enm("status", {"normal", "suspended", "pre_cancelled", "cancelled"}, "normal"),
        enm("grade", {"key", "ordinary"}, "ordinary"),
        with(typed("monthly_spend_fen", kMoney),
             [](auto& f) {
               f.min = 0;
               f.max = 100'000'000'00;
               f.sort = true;
               f.default_value = "0";
             }),
    };
    return e;
  }();
  return s;
}

const EntitySpec& key_person_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "key_person";
    e.table = "key_persons";
    e.path = "key-persons";
    e.title = "key person";
    e.default_sort = "id";
    e.extra_select = "(SELECT display_name FROM users WHERE id = t.owner_id) AS owner_name";
    e.fields = {
        with(str("name", 60, true), [](auto& f) { f.sort = true; }),
        str("title", 60),
        str("department", 60),
        enm("level", {"decision_maker", "influencer", "user", "gatekeeper"}, "", true),
        with(ref("reports_to_id", "key_persons"),
             [](auto& f) { f.description = "the key person above in the decision chain"; }),
        enm("attitude", {"supporter", "neutral", "opponent"}, "neutral"),
        with(typed("relationship", kInt),
             [](auto& f) {
               f.min = 1;
               f.max = 5;
               f.default_value = "3";
               f.description = "relationship strength, 1 (weak) to 5 (strong)";
             }),
        typed("birthday", kDate),
        text("hobbies", 500),
        with(str("phone", 20),
             [](auto& f) {
               f.check = Check::kPhoneAny;
               f.mask = Mask::kPhone;
             }),
        with(str("email", 120), [](auto& f) { f.check = Check::kEmail; }),
        with(typed("senior", kBool),
             [](auto& f) {
               f.description = "senior key persons are owned by a senior manager (分层分级)";
             }),
        with(ref("owner_id", "users"),
             [](auto& f) {
               f.filter = true;
               f.description = "who on our side owns the relationship";
             }),
        with(typed("last_contact_at", kTimestamp),
             [](auto& f) {
               f.writable = false;
               f.sort = true;
             }),
        text("note", 2000),
    };
    return e;
  }();
  return s;
}

const EntitySpec& contract_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "contract";
    e.table = "contracts";
    e.path = "contracts";
    e.title = "contract";
    e.default_sort = "-end_date";
    e.outsider_fields = {"id",         "customer_id", "contract_no", "title",         "kind",
                         "start_date", "end_date",    "amount_fen",  "min_spend_fen", "status",
                         "days_left"};
    e.fields = {
        str("contract_no", 40, true),
        str("title", 200, true),
        str("kind", 60),
        with(typed("start_date", kDate), [](auto& f) { f.required = true; }),
        with(typed("end_date", kDate),
             [](auto& f) {
               f.required = true;
               f.sort = true;
             }),
        with(typed("amount_fen", kMoney),
             [](auto& f) {
               f.min = 0;
               f.max = 1'000'000'000'00;
               f.default_value = "0";
             }),
        with(typed("min_spend_fen", kMoney),
             [](auto& f) {
               f.min = 0;
               f.max = 1'000'000'000'00;
               f.default_value = "0";
               f.description = "monthly minimum-spend commitment (保底消费)";
             }),
        enm("status", {"draft", "active", "expired", "terminated"}, "active"),
        text("note", 2000),
    };
    return e;
  }();
  return s;
}

const EntitySpec& contact_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "contact";
    e.table = "contacts";
    e.path = "contacts";
    e.title = "contact record";
    e.default_sort = "-occurred_at";
    e.extra_select =
        "(SELECT display_name FROM users WHERE id = t.user_id) AS user_name, "
        "(SELECT name FROM key_persons WHERE id = t.key_person_id) AS key_person_name, "
        "(SELECT name FROM customers WHERE id = t.customer_id) AS customer_name";
    e.fields = {
        ref("key_person_id", "key_persons"),
        with(ref("user_id", "users"),
             [](auto& f) {
               f.writable = false;
               f.filter = true;
               f.description = "who made the contact (the caller of the API)";
             }),
        enm("channel", {"visit", "call", "sms", "wechat", "email", "meeting", "other"}, "", true),
        with(typed("occurred_at", kTimestamp),
             [](auto& f) {
               f.required = true;
               f.sort = true;
             }),
        str("subject", 200, true),
        text("summary", 4000),
        enm("outcome", {"positive", "neutral", "negative", "no_answer"}, "neutral"),
        str("next_step", 500),
        typed("next_step_date", kDate),
    };
    return e;
  }();
  return s;
}

const EntitySpec& need_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "need";
    e.table = "needs";
    e.path = "needs";
    e.title = "need";
    e.default_sort = "-updated_at";
    e.fields = {
        enm("kind", {"explicit", "hidden", "unclear"}, "", true),
        enm("category", {"raise_income", "cut_cost", "efficiency", "other"}, "", true),
        str("title", 200, true),
        text("description", 4000),
        enm("status", {"open", "in_progress", "met", "dropped"}, "open"),
        str("linked_offers", 500),
        with(ref("created_by", "users"), [](auto& f) { f.writable = false; }),
    };
    return e;
  }();
  return s;
}

const std::vector<const EntitySpec*>& archive_specs() {
  static const std::vector<const EntitySpec*> v = {&customer_spec(),   &member_spec(),
                                                   &key_person_spec(), &contract_spec(),
                                                   &contact_spec(),    &need_spec()};
  return v;
}

}  // namespace kam::domain

namespace kam::domain {

const EntitySpec& user_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "user";
    e.table = "users";
    e.path = "users";
    e.title = "user";
    e.scoping = Scoping::kNone;
    e.default_sort = "username";
    e.extra_select = "(SELECT name FROM teams WHERE id = t.team_id) AS team_name";
    FieldSpec username = str("username", 64, true);
    username.immutable = true;
    username.sort = true;
    username.description = "login name: letters, digits, . _ -";
    FieldSpec display = str("display_name", 60, true);
    display.sort = true;
    FieldSpec role = enm("role", role_names(), "", true);
    FieldSpec team = ref("team_id", "teams");
    team.filter = true;
    FieldSpec senior = typed("senior", kBool);
    senior.default_value = "false";
    senior.description = "senior managers own senior key persons";
    FieldSpec phone = str("phone", 20);
    phone.check = Check::kPhoneAny;
    phone.mask = Mask::kPhone;  // staff phones are numbers too: masked without the right
    FieldSpec email = str("email", 120);
    email.check = Check::kEmail;
    FieldSpec customer = ref("customer_id", "customers");
    customer.description = "portal users: the group they administer";
    FieldSpec merchant = typed("merchant_id", kInt);
    merchant.min = 1;
    merchant.description = "merchant staff: their merchant";
    FieldSpec active = typed("active", kBool);
    active.default_value = "true";
    active.filter = true;
    FieldSpec password = str("password", 256);
    password.stored = false;
    password.description = "write-only; at least 10 characters mixing letters and digits";
    FieldSpec hash = str("password_hash", 256);
    hash.hidden = true;
    hash.writable = false;
    FieldSpec changed = typed("password_changed_at", kTimestamp);
    changed.writable = false;
    e.fields = {username, display,  role,   team,     senior, phone,  email,
                customer, merchant, active, password, hash,   changed};
    return e;
  }();
  return s;
}

const EntitySpec& team_spec() {
  static const EntitySpec s = [] {
    EntitySpec e;
    e.name = "team";
    e.table = "teams";
    e.path = "teams";
    e.title = "team";
    e.scoping = Scoping::kNone;
    e.default_sort = "name";
    e.extra_select =
        "(SELECT display_name FROM users WHERE id = t.supervisor_id) AS supervisor_name, "
        "(SELECT name FROM regions WHERE code = t.region_code) AS region_name, "
        "(SELECT COUNT(*) FROM users WHERE team_id = t.id AND active = 1) AS member_count";
    FieldSpec name = str("name", 60, true);
    name.sort = true;
    FieldSpec region = typed("region_code", kRefText);
    region.ref = "regions";
    FieldSpec sup = ref("supervisor_id", "users");
    sup.filter = true;
    FieldSpec parent = ref("parent_id", "teams");
    parent.description = "the team above; supervisors see the teams below theirs";
    e.fields = {name, region, sup, parent};
    return e;
  }();
  return s;
}

}  // namespace kam::domain
