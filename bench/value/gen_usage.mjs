// Writes N months of usage for the numbers in a file, as the billing system would deliver it.
//   node gen_usage.mjs NUMBERS.txt MONTHS OUT.csv
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';

const [numbersFile, monthsArg, out] = process.argv.slice(2);
const numbers = readFileSync(numbersFile, 'utf8').split('\n').filter(Boolean);
const months = Number(monthsArg);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const fd = openSync(out, 'w');
writeSync(fd, 'month,number,bill,package_fee,mou,data_mb,sms,zero_call_days,competitor_calls,arrears,status,min_spend,contract_end,voice_fen,data_fen,discount_fen,service_cost_fen\n');
const statuses = ['normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'suspended'];
for (let m = 1; m <= months; m++) {
  const month = `2026-${String(m).padStart(2, '0')}`;
  let buf = '';
  for (let i = 0; i < numbers.length; i++) {
    const fee = [58, 88, 128, 188, 288][i % 5];
    const billFen = Math.floor(fee * 100 * (0.5 + rnd()));
    buf += `${month},${numbers[i]},${(billFen / 100).toFixed(2)},${fee},${Math.floor(rnd() * 900)},${(rnd() * 20000).toFixed(1)},` +
      `${Math.floor(rnd() * 60)},${Math.floor(rnd() * 4)},${rnd() < 0.02 ? 1 : 0},${rnd() < 0.03 ? (billFen / 200).toFixed(2) : 0},` +
      `${statuses[i % 10]},${i % 3 === 0 ? (fee * 0.8).toFixed(2) : 0},${i % 3 === 0 ? '2027-06-30' : ''},${Math.floor(billFen * 0.35)},` +
      `${Math.floor(billFen * 0.45)},${Math.floor(billFen * 0.1)},${Math.floor(billFen * 0.2)}\n`;
    if (buf.length > 1 << 22) { writeSync(fd, buf); buf = ''; }
  }
  writeSync(fd, buf);
}
closeSync(fd);
