#pragma once
// Declarative description of an archive entity: its table, its fields and their rules. The
// generic record service turns a spec into validated, parameterised SQL and JSON; the OpenAPI
// description is generated from the same specs, so the two cannot drift apart.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace kam::domain {

enum class FieldType {
  kString,  // short text, max_len characters
  kText,    // long text
  kInt,
  kMoney,      // integer fen
  kDate,       // "YYYY-MM-DD"
  kTimestamp,  // ISO-8601 in JSON, epoch seconds in the store
  kBool,       // true/false in JSON, 0/1 in the store
  kEnum,
  kRef,      // id of another record
  kRefText,  // code of another record (regions)
  kJson,     // structured value stored as JSON text
};

enum class Check { kNone, kCreditCode, kMobile, kLineNumber, kResidentId, kEmail, kPhoneAny };
enum class Mask { kNone, kPhone, kIdNumber };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;   // must be given on create
  bool writable = true;    // accepted in request bodies
  bool immutable = false;  // accepted on create only
  bool filter = false;     // `?name=value` on list
  bool sort = false;       // `?sort=name` / `?sort=-name`
  int max_len = 200;       // characters, for strings
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> values;  // enum values
  std::string default_value;        // applied on create when absent (text form)
  Check check = Check::kNone;
  Mask mask = Mask::kNone;
  std::string ref;          // referenced table for kRef / kRefText
  std::string description;  // for the API description
  bool hidden = false;      // never shown in responses or audit (password hashes)
  bool stored = true;       // false: accepted in bodies, consumed by the area's hooks
};

// How records are restricted to what a user may see.
enum class Scoping {
  kCustomer,         // the record is a customer: the customer scope applies to it
  kOwnedByCustomer,  // the record has customer_id: the scope of its customer applies
  kNone,             // organisation data (users, teams): permissions alone decide
};

struct EntitySpec {
  std::string name;   // audit entity name, singular snake_case: "key_person"
  std::string table;  // "key_persons"
  std::string path;   // URL collection: "key-persons"
  std::string title;  // human name for messages: "key person"
  Scoping scoping = Scoping::kOwnedByCustomer;
  std::vector<FieldSpec> fields;
  std::string default_sort = "id";
  std::string extra_select;  // extra read-only columns, e.g. joined names (static SQL)
  // What an outsider (a portal user, in their group) may read of this record; empty: nothing,
  // the record is staff-only. Computed fields (decorations, joined names) may be named too.
  std::vector<std::string> outsider_fields;

  bool owned_by_customer() const { return scoping == Scoping::kOwnedByCustomer; }
  const FieldSpec* field(std::string_view n) const {
    for (const auto& f : fields) {
      if (f.name == n) return &f;
    }
    return nullptr;
  }
};

// The archive's entities (SPEC §1).
const EntitySpec& customer_spec();
const EntitySpec& member_spec();
const EntitySpec& key_person_spec();
const EntitySpec& contract_spec();
const EntitySpec& contact_spec();
const EntitySpec& need_spec();
const std::vector<const EntitySpec*>& archive_specs();
// Organisation entities (SPEC §8).
const EntitySpec& user_spec();
const EntitySpec& team_spec();

// Allowed values, shared with validation messages and the API description.
const std::vector<std::string>& org_types();
const std::vector<std::string>& customer_statuses();

// Organisation types the grading rules treat as "important" (重要集团).
bool is_important_org_type(std::string_view org_type);

}  // namespace kam::domain
