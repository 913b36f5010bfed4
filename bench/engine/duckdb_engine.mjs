// The warning engine's job in DuckDB, as a peer: from the same usage CSV (two months) and the
// member directory, the colour zone of every member, the built-in member rules (for individuals
// and key members) and the group batch-anomaly rule, into a result table of (customer, rule,
// matching members) — what KAM turns into alert tasks. Prints seconds.
//   node duckdb_engine.mjs USAGE.csv MEMBERS.csv CUSTOMERS.csv DB_FILE
import { DuckDBInstance } from '@duckdb/node-api';

const [usage, members, customers, dbFile] = process.argv.slice(2);
const instance = await DuckDBInstance.create(dbFile);
const c = await instance.connect();
await c.run(`CREATE TABLE members AS SELECT * FROM read_csv('${members}', header=true, columns={'id':'BIGINT','number':'VARCHAR','customer_id':'BIGINT','join_date':'DATE'})`);
await c.run(`CREATE TABLE customers AS SELECT * FROM read_csv('${customers}', header=true, columns={'id':'BIGINT','kind':'VARCHAR','org_type':'VARCHAR'})`);
const t0 = performance.now();
await c.run(`CREATE TABLE u AS
  SELECT strptime(u.month, '%Y-%m')::DATE AS month, m.id AS member_id, m.customer_id, cu.kind,
         CAST(round(u.bill * 100) AS BIGINT) AS bill, CAST(round(u.package_fee * 100) AS BIGINT) AS fee, u.mou,
         u.zero_call_days AS zero, u.competitor_calls AS comp, CAST(round(u.arrears * 100) AS BIGINT) AS arrears, u.status,
         CAST(round(u.min_spend * 100) AS BIGINT) AS min_spend, u.contract_end
  FROM read_csv('${usage}', header=true, columns={'month':'VARCHAR','number':'VARCHAR','bill':'DOUBLE','package_fee':'DOUBLE','mou':'BIGINT',
       'data_mb':'DOUBLE','sms':'BIGINT','zero_call_days':'BIGINT','competitor_calls':'BIGINT','arrears':'DOUBLE','status':'VARCHAR',
       'min_spend':'DOUBLE','contract_end':'DATE','voice_fen':'BIGINT','data_fen':'BIGINT','discount_fen':'BIGINT','service_cost_fen':'BIGINT'}) u
  JOIN members m ON m.number = u.number JOIN customers cu ON cu.id = m.customer_id`);
const t1 = performance.now();
await c.run(`CREATE TABLE z AS
  WITH last AS (SELECT max(month) AS m FROM u),
  cur AS (SELECT u.* FROM u, last WHERE u.month = last.m),
  prev AS (SELECT u.* FROM u, last WHERE u.month = last.m - INTERVAL 1 MONTH),
  j AS (
    SELECT c.*, p.bill AS bill2, p.mou AS mou2, p.status AS status2,
           COUNT(*) OVER (PARTITION BY c.customer_id) AS n,
           ROW_NUMBER() OVER (PARTITION BY c.customer_id ORDER BY c.bill DESC) AS rk
    FROM cur c LEFT JOIN prev p ON p.member_id = c.member_id),
  z AS (
    SELECT *,
      CASE WHEN status IN ('suspended','pre_cancelled','cancelled') THEN 'white'
           WHEN bill >= 10000 AND mou >= 200 THEN CASE WHEN min_spend > 0 THEN 'blue' ELSE 'green' END
           WHEN bill2 >= 10000 AND mou2 >= 200 AND bill < 10000 THEN 'yellow'
           WHEN bill2 >= 10000 AND mou2 >= 200 THEN 'red' ELSE 'none' END AS zone,
      (kind = 'individual' OR bill >= 20000 OR rk <= ceil(0.2 * n)) AS watched,
      (bill2 - bill) * 100.0 / NULLIF(bill2, 0) AS bill_drop, (mou2 - mou) * 100.0 / NULLIF(mou2, 0) AS mou_drop
    FROM j)
  SELECT * FROM z`);
await c.run(`CREATE TABLE results AS
  WITH member_hits AS (
    SELECT customer_id, 'contract_expiring' AS rule FROM z WHERE watched AND contract_end - DATE '2026-03-01' BETWEEN 0 AND 60
    UNION ALL SELECT customer_id, 'bill_drop' FROM z WHERE watched AND bill2 >= 5000 AND bill_drop >= 30
    UNION ALL SELECT customer_id, 'mou_drop' FROM z WHERE watched AND mou2 >= 100 AND mou_drop >= 40
    UNION ALL SELECT customer_id, 'zero_calls' FROM z WHERE watched AND zero >= 15 AND status = 'normal'
    UNION ALL SELECT customer_id, 'competitor_calls' FROM z WHERE watched AND comp >= 1
    UNION ALL SELECT customer_id, 'below_package' FROM z WHERE watched AND fee > 0 AND bill < fee * 0.6
    UNION ALL SELECT customer_id, 'arrears_or_suspension' FROM z WHERE watched AND (arrears > 0 OR status = 'suspended')
    UNION ALL SELECT customer_id, 'pre_cancellation' FROM z WHERE watched AND status = 'pre_cancelled'
    UNION ALL SELECT customer_id, 'zone_' || zone FROM z WHERE watched AND zone IN ('yellow','red','white')),
  group_hits AS (
    SELECT customer_id, 'batch_member_anomaly' AS rule FROM z WHERE kind = 'group' GROUP BY customer_id
    HAVING COUNT(*) >= 5 AND avg(CASE WHEN bill_drop >= 30 OR zero >= 15 OR status IN ('suspended','pre_cancelled') THEN 1.0 ELSE 0 END) >= 0.2)
  SELECT customer_id, rule, COUNT(*) AS members FROM member_hits GROUP BY customer_id, rule
  UNION ALL SELECT customer_id, rule, 0 FROM group_hits`);
const t2 = performance.now();
const rows = await c.runAndReadAll('SELECT COUNT(*) FROM results');
console.log(JSON.stringify({ load_s: (t1 - t0) / 1000, compute_s: (t2 - t1) / 1000, total_s: (t2 - t0) / 1000,
                             results: Number(rows.getRows()[0][0]) }));
