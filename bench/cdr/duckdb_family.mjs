// The same detection in DuckDB, as a peer: read the CDR file, count calls per caller, callee
// and month to other networks, keep those with at least N calls, join the archive's members for
// tenure (at least 12 months at the end of the month) and keep the result in a table.
// Prints seconds and the counts per month (to check both agree).
//   node duckdb_family.mjs CDR.csv MEMBERS.csv MIN_CALLS TENURE_MONTHS
import { DuckDBInstance } from '@duckdb/node-api';

const [cdr, members, minCalls, tenure] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const c = await instance.connect();
// The archive is there before the import in KAM too: load it outside the timing.
await c.run(`CREATE TABLE members AS SELECT * FROM read_csv('${members}', header=true,
  columns={'id':'BIGINT','number':'VARCHAR','join_date':'DATE','status':'VARCHAR'})`);
const t0 = performance.now();
await c.run(`CREATE TABLE candidates AS
  WITH pairs AS (
    SELECT caller, callee, date_trunc('month', start_time) AS month, count(*) AS calls,
           sum(CAST(ceil(duration / 60) AS BIGINT)) AS minutes
    FROM read_csv('${cdr}', header=true, columns={'caller':'VARCHAR','callee':'VARCHAR','callee_operator':'VARCHAR',
                                                  'start_time':'TIMESTAMP','duration':'INTEGER'})
    WHERE callee_operator <> '中国移动'
    GROUP BY caller, callee, month
    HAVING count(*) >= ${Number(minCalls)})
  SELECT m.id AS member_id, pairs.* FROM pairs JOIN members m ON m.number = pairs.caller
  WHERE m.status <> 'cancelled'
    AND m.join_date <= last_day(CAST(pairs.month AS DATE) - INTERVAL ${Number(tenure)} MONTH)`);
const t1 = performance.now();
const rows = await c.runAndReadAll(`SELECT strftime(month, '%Y-%m') AS m, COUNT(*) AS pairs, COUNT(DISTINCT member_id) AS members
                                    FROM candidates GROUP BY m ORDER BY m`);
const months = rows.getRows().map(([m, pairs, mem]) => ({ month: m, pairs: Number(pairs), members: Number(mem) }));
console.log(JSON.stringify({ seconds: (t1 - t0) / 1000, months }));
