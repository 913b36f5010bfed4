#pragma once
// Users, teams and regions: the organisation (SPEC §8) that access decisions rest on.

#include "services/auth/auth_service.h"
#include "services/core/records.h"

namespace kam::services {

class AdminService {
 public:
  AdminService(Records& records, AuthService& auth);

  Records& records() { return records_; }
  const RecordHooks& user_hooks() const { return user_hooks_; }
  const RecordHooks& team_hooks() const { return team_hooks_; }

  // The region tree (province → city → district).
  Result<json> regions(const Actor& a);

 private:
  Records& records_;
  AuthService& auth_;
  RecordHooks user_hooks_;
  RecordHooks team_hooks_;
};

}  // namespace kam::services
