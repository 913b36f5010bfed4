#pragma once
// Migration 5: one-stop business acceptance (SPEC §5). The product catalogue — products,
// packages and bundles with one price per province or city, industry subsidies, validity and
// the largest discount allowed, every change kept as a version so an order line can always show
// the price it was made with; orders from requirement to billing with their steps (owner,
// entered, left, target), solution options priced from the catalogue, discount approvals, the
// customer's written confirmation (uploaded documents are kept in the store); the discount
// limits per role and product line and the step targets (versioned settings).

namespace kam::db {

inline const char* kMigration5Orders = R"SQL(
CREATE TABLE products (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('voice','data','line','circuit','cloud','ict')),
  kind TEXT NOT NULL CHECK (kind IN ('product','package','bundle')),
  charge TEXT NOT NULL CHECK (charge IN ('monthly','one_time')),
  unit TEXT NOT NULL,
  description TEXT,
  cost_fen {{BIGINT}} NOT NULL,
  max_discount_bp INTEGER NOT NULL CHECK (max_discount_bp BETWEEN 0 AND 10000),
  valid_from {{DATE}},
  valid_to {{DATE}},
  active INTEGER NOT NULL DEFAULT 1,
  subsidies TEXT NOT NULL DEFAULT '[]',
  components TEXT NOT NULL DEFAULT '[]',
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX products_category ON products(category, code);

-- Every version of a product as it was (the current one included).
CREATE TABLE product_versions (
  product_id {{BIGINT}} NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  kind TEXT NOT NULL,
  charge TEXT NOT NULL,
  unit TEXT NOT NULL,
  description TEXT,
  cost_fen {{BIGINT}} NOT NULL,
  max_discount_bp INTEGER NOT NULL,
  valid_from {{DATE}},
  valid_to {{DATE}},
  active INTEGER NOT NULL,
  subsidies TEXT NOT NULL,
  components TEXT NOT NULL,
  note TEXT,
  changed_by {{BIGINT}} REFERENCES users(id),
  changed_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (product_id, version)
);

-- One price per region (a province or a city) and version: the same everywhere in the region.
CREATE TABLE product_prices (
  product_id {{BIGINT}} NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  price_fen {{BIGINT}} NOT NULL CHECK (price_fen >= 0),
  PRIMARY KEY (product_id, version, region_code)
);

CREATE TABLE orders (
  id {{ID}},
  customer_id {{BIGINT}} NOT NULL REFERENCES customers(id),
  title TEXT NOT NULL,
  requirement TEXT NOT NULL,
  consultation TEXT,
  region_code TEXT NOT NULL REFERENCES regions(code),
  term_months INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('requirement','consultation','design','choice','approval','acceptance',
                                       'construction','confirmation','billing','in_service','cancelled')),
  owner_id {{BIGINT}} NOT NULL REFERENCES users(id),
  created_by {{BIGINT}} NOT NULL REFERENCES users(id),
  step_owner_id {{BIGINT}} REFERENCES users(id),
  step_started_at {{BIGINT}} NOT NULL,
  step_due_at {{BIGINT}},
  step_reminded_at {{BIGINT}},
  chosen_option_id {{BIGINT}},
  confirmation TEXT,
  billing_account TEXT,
  billing_start {{DATE}},
  survey_id {{BIGINT}},
  cancel_reason TEXT,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  completed_at {{BIGINT}},
  cancelled_at {{BIGINT}},
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orders_customer ON orders(customer_id, id);
CREATE INDEX orders_state ON orders(state, step_due_at);
CREATE INDEX orders_owner ON orders(owner_id, state);
CREATE INDEX orders_step_owner ON orders(step_owner_id, state);
CREATE INDEX orders_created ON orders(created_at);

-- Each visit of a step: who owned it, when it was entered and left, its target and how it ended.
CREATE TABLE order_steps (
  id {{ID}},
  order_id {{BIGINT}} NOT NULL REFERENCES orders(id),
  step TEXT NOT NULL,
  owner_id {{BIGINT}} REFERENCES users(id),
  entered_at {{BIGINT}} NOT NULL,
  due_at {{BIGINT}},
  left_at {{BIGINT}},
  action TEXT,
  actor_id {{BIGINT}} REFERENCES users(id),
  note TEXT
);
CREATE INDEX order_steps_order ON order_steps(order_id, id);
CREATE INDEX order_steps_step ON order_steps(step, entered_at);

CREATE TABLE order_options (
  id {{ID}},
  order_id {{BIGINT}} NOT NULL REFERENCES orders(id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  created_by {{BIGINT}} REFERENCES users(id),
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX order_options_order ON order_options(order_id, position);

-- A priced line: the product version, the regional price and cost it was priced with.
CREATE TABLE order_lines (
  id {{ID}},
  option_id {{BIGINT}} NOT NULL REFERENCES order_options(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  product_id {{BIGINT}} NOT NULL REFERENCES products(id),
  product_version INTEGER NOT NULL,
  price_region TEXT NOT NULL,
  quantity {{BIGINT}} NOT NULL,
  unit_price_fen {{BIGINT}} NOT NULL,
  unit_cost_fen {{BIGINT}} NOT NULL,
  subsidy_bp INTEGER NOT NULL,
  discount_bp INTEGER NOT NULL,
  max_discount_bp INTEGER NOT NULL,
  FOREIGN KEY (product_id, product_version) REFERENCES product_versions(product_id, version)
);
CREATE INDEX order_lines_option ON order_lines(option_id, position);
CREATE INDEX order_lines_product ON order_lines(product_id);

CREATE TABLE order_approvals (
  id {{ID}},
  order_id {{BIGINT}} NOT NULL REFERENCES orders(id),
  option_id {{BIGINT}} NOT NULL REFERENCES order_options(id),
  requested_by {{BIGINT}} NOT NULL REFERENCES users(id),
  requester_role TEXT NOT NULL,
  required_role TEXT NOT NULL,
  requested_at {{BIGINT}} NOT NULL,
  detail TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','approved','refused','withdrawn')),
  decided_by {{BIGINT}} REFERENCES users(id),
  decided_at {{BIGINT}},
  reason TEXT
);
-- One open request per order: of two approvers acting at once, one decision counts.
CREATE UNIQUE INDEX order_approvals_pending ON order_approvals(order_id) WHERE status = 'pending';
CREATE INDEX order_approvals_status ON order_approvals(status, requested_at);

CREATE TABLE order_documents (
  id {{ID}},
  order_id {{BIGINT}} NOT NULL REFERENCES orders(id),
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes {{BIGINT}} NOT NULL,
  sha256 TEXT NOT NULL,
  data {{BLOB}} NOT NULL,
  uploaded_by {{BIGINT}} REFERENCES users(id),
  uploaded_at {{BIGINT}} NOT NULL
);
CREATE INDEX order_documents_order ON order_documents(order_id, id);

-- Versioned settings: 'steps' (target hours per step, survey delay) and 'discount_limits'
-- (basis points per role and product line). Defaults as the seeds describe them.
CREATE TABLE order_settings (
  name TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_by {{BIGINT}} REFERENCES users(id),
  updated_at {{BIGINT}} NOT NULL
);
INSERT INTO order_settings(name, config, version, updated_at) VALUES ('steps', '{"targets_hours":{"requirement":24,"consultation":48,"design":120,"choice":168,"approval":24,"acceptance":48,"construction":240,"confirmation":72,"billing":48},"survey_delay_days":3}', 1, 0);
INSERT INTO order_settings(name, config, version, updated_at) VALUES ('discount_limits', '{"account_manager":{"voice":500,"data":500,"line":500,"circuit":500,"cloud":500,"ict":500},"supervisor":{"voice":1500,"data":1500,"line":1500,"circuit":1500,"cloud":1500,"ict":1500},"admin":{"voice":3000,"data":3000,"line":3000,"circuit":3000,"cloud":3000,"ict":3000}}', 1, 0);
)SQL";

}  // namespace kam::db
