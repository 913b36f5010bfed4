// A telecom-like churn table with a story (SPEC §3), for bench/churn/run.sh and the demo:
// one row per subscriber, the label drawn from a logistic model of tenure, bill and usage
// trends, complaints, competitor calls, contract end, arrears, family lines and brand, with
// noise columns that carry nothing. Deterministic for a seed.
//   node bench/churn/gen.mjs ROWS SEED OUT.csv      prints the best single-column AUC
import { createWriteStream } from 'node:fs';

const [rows = '100000', seed = '42', out = '/dev/stdout'] = process.argv.slice(2);

function rng(s) {  // mulberry32
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(Number(seed));
const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const pick = (xs, w) => {
  if (!w) return xs[Math.floor(r() * xs.length)];
  let u = r() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) if ((u -= w[i]) < 0) return xs[i];
  return xs.at(-1);
};
const poisson = (lambda) => {
  let k = 0, p = Math.exp(-lambda), s = p;
  const u = r();
  while (u > s && k < 30) { k++; p *= lambda / k; s += p; }
  return k;
};

const PACKAGES = [['4G畅享58', 58], ['4G畅享88', 88], ['5G智享128', 128], ['5G智享199', 199], ['融合宽带169', 169], ['企业专线', 399]];
const REGIONS = ['南京', '苏州', '无锡', '常州', '镇江', '南通', '扬州', '泰州', '徐州', '连云港', '淮安', '盐城', '宿迁'];
const BRANDS = ['全球通', '动感地带', '神州行'];
const PAYMENT = ['银行代扣', '微信', '支付宝', '营业厅现金'];

const header = ['subscriber_id', 'tenure_months', 'brand', 'package', 'region', 'gender', 'age', 'monthly_bill',
  'bill_trend_3m', 'mou_last_month', 'mou_drop_pct', 'data_gb', 'zero_call_days', 'complaints_90d',
  'competitor_calls', 'contract_days_left', 'arrears_yuan', 'points_balance', 'family_lines', 'handset_age_months',
  'payment_method', 'churned'];
const stream = createWriteStream(out);
stream.write(header.join(',') + '\n');

const cols = Object.fromEntries(header.map((h) => [h, []]));
const n = Number(rows);
let churners = 0;
const truth = [];  // the logit the label was drawn from: the best any model can rank
for (let i = 0; i < n; i++) {
  const brand = pick(BRANDS, [2, 5, 3]);
  const [pkg, fee] = pick(PACKAGES, [25, 25, 20, 10, 15, 5]);
  const tenure = Math.max(1, Math.round(-Math.log(1 - r()) * (brand === '全球通' ? 70 : 36)));
  const bill = Math.max(8, fee * (0.8 + 0.5 * r()) + 15 * normal());
  const declining = r() < 0.18;  // a hidden state: the customer is drifting away
  const trend = (declining ? -0.25 : 0.02) + 0.12 * normal();
  const mouDrop = Math.min(1, Math.max(-0.5, (declining ? 0.35 : 0) + 0.15 * normal()));
  const mou = Math.max(0, Math.round((250 + 2 * fee) * (1 - mouDrop) * (0.6 + 0.8 * r())));
  const dataGb = Math.max(0, +(fee / 10 * (0.5 + r()) * (1 - 0.5 * mouDrop)).toFixed(2));
  const zeroDays = Math.min(30, poisson(declining ? 5 : 1.2));
  const complaints = poisson(declining ? 0.9 : 0.25);
  const competitor = poisson(declining ? 1.6 : 0.3);
  const hasContract = pkg === '企业专线' || r() < 0.55;
  const contractLeft = hasContract ? Math.round(r() * 720) - 30 : null;
  const arrears = r() < (declining ? 0.15 : 0.04) ? Math.round(bill * (1 + 2 * r())) : 0;
  const family = poisson(brand === '全球通' ? 1.4 : 0.7);
  const handset = Math.round(r() * 48);
  const age = r() < 0.08 ? null : Math.round(22 + 40 * r());

  let z = -3.1;
  z += tenure < 12 ? 1.1 : tenure < 24 ? 0.5 : tenure > 96 ? -0.5 : 0;
  z += -3.0 * trend + 1.8 * Math.max(0, mouDrop);
  z += 0.35 * complaints + 0.3 * Math.min(competitor, 6) + 0.07 * zeroDays;
  if (contractLeft === null) z += 0.35;
  else if (contractLeft < 60) z += 1.1;
  else if (contractLeft > 240) z -= 0.8;
  if (competitor >= 2 && contractLeft !== null && contractLeft < 90) z += 0.8;  // a competitor's offer at renewal
  if (arrears > 0) z += 0.6;
  z -= 0.35 * Math.min(family, 4);
  z += brand === '神州行' ? 0.3 : brand === '全球通' ? -0.4 : 0;
  z += handset > 36 ? 0.25 : 0;
  const churned = r() < 1 / (1 + Math.exp(-z));
  truth.push(z);
  churners += churned;

  const row = {
    subscriber_id: 'S' + String(10000000 + i), tenure_months: tenure, brand, package: pkg, region: pick(REGIONS),
    gender: pick(['男', '女']), age: age ?? '', monthly_bill: bill.toFixed(2),
    bill_trend_3m: r() < 0.03 ? 'NA' : trend.toFixed(3), mou_last_month: mou, mou_drop_pct: (100 * mouDrop).toFixed(1),
    data_gb: dataGb, zero_call_days: zeroDays, complaints_90d: complaints, competitor_calls: competitor,
    contract_days_left: contractLeft ?? '', arrears_yuan: arrears, points_balance: Math.round(tenure * 30 * r()),
    family_lines: family, handset_age_months: handset, payment_method: pick(PAYMENT), churned: churned ? 'yes' : 'no',
  };
  stream.write(header.map((h) => row[h]).join(',') + '\n');
  for (const h of header) cols[h].push(row[h]);
}
stream.end();

// The peer: how well the best single column ranks churners on its own (either direction).
function auc(scores, labels) {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (labels[idx[k]]) { rankSum += avg; pos++; }
    i = j;
  }
  const neg = idx.length - pos;
  return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
}
const labels = cols.churned.map((v) => v === 'yes');
let best = ['', 0.5];
for (const h of header) {
  if (h === 'subscriber_id' || h === 'churned') continue;
  const values = cols[h].map((v) => (v === '' || v === 'NA' ? NaN : Number(v)));
  if (values.every((v) => Number.isNaN(v))) continue;
  const filled = values.map((v) => (Number.isNaN(v) ? -1e9 : v));
  const a = auc(filled, labels);
  const both = Math.max(a, 1 - a);
  if (both > best[1]) best = [h, both];
}
process.stderr.write(`generated ${n} rows, ${churners} churned (${(100 * churners / n).toFixed(1)}%)\n`);
console.log(`ceiling (the generator's own logit) AUC=${auc(truth, labels).toFixed(4)}; best single column: ${best[0]} AUC=${best[1].toFixed(4)}`);
