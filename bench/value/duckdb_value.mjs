// The same job in DuckDB, as a peer: read the usage CSV and the member directory, compute per
// customer and month what KAM computes (revenue, margin, scores, rank, tier, grade, lifecycle
// stage from a 3-month trend) and keep the result in a table. Prints seconds.
//   node duckdb_value.mjs USAGE.csv MEMBERS.csv CUSTOMERS.csv DB_FILE
import { DuckDBInstance } from '@duckdb/node-api';

const [usage, members, customers, dbFile] = process.argv.slice(2);
const instance = await DuckDBInstance.create(dbFile);
const c = await instance.connect();
// The archive is there before the import in KAM too: load it outside the timing.
await c.run(`CREATE TABLE members AS SELECT * FROM read_csv('${members}', header=true, columns={'id':'BIGINT','number':'VARCHAR','customer_id':'BIGINT','join_date':'DATE'})`);
await c.run(`CREATE TABLE customers AS SELECT * FROM read_csv('${customers}', header=true, columns={'id':'BIGINT','kind':'VARCHAR','org_type':'VARCHAR'})`);
const t0 = performance.now();
await c.run(`CREATE TABLE usage AS
  SELECT strptime(u.month, '%Y-%m')::DATE AS month, m.id AS member_id, m.customer_id,
         CAST(round(u.bill * 100) AS BIGINT) AS bill_fen, u.package_fee, u.mou, CAST(round(u.data_mb) AS BIGINT) AS data_mb, u.sms,
         u.zero_call_days, u.competitor_calls, CAST(round(u.arrears * 100) AS BIGINT) AS arrears_fen, u.status,
         CAST(round(u.min_spend * 100) AS BIGINT) AS min_spend_fen, u.contract_end, u.voice_fen, u.data_fen, u.discount_fen, u.service_cost_fen
  FROM read_csv('${usage}', header=true, columns={'month':'VARCHAR','number':'VARCHAR','bill':'DOUBLE','package_fee':'DOUBLE','mou':'BIGINT',
       'data_mb':'DOUBLE','sms':'BIGINT','zero_call_days':'BIGINT','competitor_calls':'BIGINT','arrears':'DOUBLE','status':'VARCHAR',
       'min_spend':'DOUBLE','contract_end':'DATE','voice_fen':'BIGINT','data_fen':'BIGINT','discount_fen':'BIGINT','service_cost_fen':'BIGINT'}) u
  JOIN members m ON m.number = u.number`);
const t1 = performance.now();
await c.run(`CREATE TABLE customer_value AS
  WITH cm AS (
    SELECT customer_id, month, SUM(bill_fen) AS revenue, SUM(bill_fen - discount_fen - service_cost_fen) AS margin,
           SUM(arrears_fen) AS arrears, COUNT(*) AS members, SUM(CASE WHEN status = 'normal' THEN 1 ELSE 0 END) AS active
    FROM usage GROUP BY customer_id, month),
  tr AS (
    SELECT *, AVG(revenue) OVER (PARTITION BY customer_id ORDER BY month ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS recent,
              AVG(revenue) OVER (PARTITION BY customer_id ORDER BY month ROWS BETWEEN 5 PRECEDING AND 3 PRECEDING) AS before,
              PERCENT_RANK() OVER (PARTITION BY month ORDER BY revenue) AS pct
    FROM cm),
  sc AS (
    SELECT tr.*, 40 * pct AS s_rev,
           CASE WHEN revenue > 0 THEN 20 * LEAST(1, GREATEST(0, margin / revenue / 0.6)) ELSE 0 END AS s_margin,
           CASE WHEN revenue > 0 THEN 20 * LEAST(1, GREATEST(0, 1 - arrears / revenue)) ELSE 20 END AS s_coll,
           CASE WHEN before IS NULL OR before = 0 THEN 'maturity' WHEN (recent - before) / before >= 0.10 THEN 'growth'
                WHEN (recent - before) / before <= -0.15 THEN 'decline' ELSE 'maturity' END AS stage
    FROM tr)
  SELECT sc.*, s_rev + s_margin + s_coll AS total,
         RANK() OVER (PARTITION BY month ORDER BY s_rev + s_margin + s_coll DESC, revenue DESC, customer_id) AS value_rank,
         CASE WHEN s_rev + s_margin + s_coll >= 68 THEN 'gold' WHEN s_rev + s_margin + s_coll >= 55 THEN 'silver'
              WHEN s_rev + s_margin + s_coll >= 40 THEN 'bronze' ELSE 'do_not_serve' END AS tier,
         CASE WHEN c.org_type IN ('government','police','enterprise','education') THEN 'important'
              WHEN revenue >= 100000 THEN 'extra_large' WHEN revenue >= 30000 THEN 'ordinary' ELSE 'small' END AS grade
  FROM sc JOIN customers c ON c.id = sc.customer_id`);
const t2 = performance.now();
const rows = await c.runAndReadAll('SELECT COUNT(*) FROM customer_value');
console.log(JSON.stringify({ load_s: (t1 - t0) / 1000, compute_s: (t2 - t1) / 1000, total_s: (t2 - t0) / 1000,
                             results: Number(rows.getRows()[0][0]) }));
