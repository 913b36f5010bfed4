#!/usr/bin/env python3
"""Report of one soak run (one store), from the files run.sh leaves in its directory.

    report.py DIR minute N    one line for minute N (printed while the run goes on)
    report.py DIR summary     the whole run; exit status 1 when it failed:
                              any 5xx, or resident memory at the end > 1.5 x after minute 1

DIR holds slices.jsonl (one JSON line per minute from mix.lua's done()), marks.tsv (per minute:
minute, start and end epoch seconds, kam's VmRSS in kB at the end, store bytes at the end, RssAnon kB at the end),
rss.tsv (every 10 s: epoch, VmRSS kB, threads, open fds, kam's CPU ticks, RssAnon kB, RssFile kB), serve.log (kam at
--log-level warn), meta.env.
"""
import collections
import json
import os
import re
import sys

WRITE_OPS = ('contact', 'need', 'wo_new', 'wo_note')
RSS_LIMIT = 1.5


def load(d):
    slices = [json.loads(l) for l in open(os.path.join(d, 'slices.jsonl')) if l.strip()] \
        if os.path.exists(os.path.join(d, 'slices.jsonl')) else []
    marks = {}
    if os.path.exists(os.path.join(d, 'marks.tsv')):
        for l in open(os.path.join(d, 'marks.tsv')):
            p = l.split()
            if len(p) >= 4:
                marks[int(p[0])] = {'start': float(p[1]), 'end': float(p[2]), 'rss_kb': int(p[3]) if p[3].isdigit() else None,
                                    'store': int(p[4]) if len(p) > 4 and p[4].isdigit() else None,
                                    'anon_kb': int(p[5]) if len(p) > 5 and p[5].isdigit() else None}
    rss = []
    if os.path.exists(os.path.join(d, 'rss.tsv')):
        for l in open(os.path.join(d, 'rss.tsv')):
            p = l.split()
            if len(p) >= 5 and p[1].isdigit():
                rss.append({'t': float(p[0]), 'kb': int(p[1]), 'threads': int(p[2]), 'fds': int(p[3]), 'ticks': int(p[4]),
                            'anon': int(p[5]) if len(p) > 5 and p[5].isdigit() else None,
                            'file': int(p[6]) if len(p) > 6 and p[6].isdigit() else None})
    meta = {}
    if os.path.exists(os.path.join(d, 'meta.env')):
        for l in open(os.path.join(d, 'meta.env')):
            if '=' in l:
                k, v = l.rstrip('\n').split('=', 1)
                meta[k] = v
    return slices, marks, rss, meta


def statuses(s):
    c = collections.Counter()
    for r in s['roles'].values():
        for code, n in r['status'].items():
            c[int(code)] += n
    return c


def ops(s):
    c = collections.Counter()
    for r in s['roles'].values():
        for op, n in r['ops'].items():
            c[op] += n
    return c


def ms(us):
    return us / 1000.0


def mb(kb):
    return kb / 1024.0 if kb is not None else float('nan')


def fmb(kb):
    return f'{kb / 1024.0:.1f}' if kb is not None else '-'


def fmt_codes(c, lo, hi):
    return ' '.join(f'{k}:{c[k]}' for k in sorted(c) if lo <= k <= hi) or '-'


def cpu_pct(rss, t0, t1, hz):
    a = [x for x in rss if t0 - 6 <= x['t'] <= t1 + 6]
    if len(a) < 2:
        return None
    return 100.0 * (a[-1]['ticks'] - a[0]['ticks']) / hz / max(a[-1]['t'] - a[0]['t'], 1e-9)


def minute_line(s, marks, rss, hz):
    c = statuses(s)
    n = s['slice']
    secs = s['duration_us'] / 1e6
    e = s['errors']
    sock = e['connect'] + e['read'] + e['write'] + e['timeout']
    m = marks.get(n, {})
    cpu = cpu_pct(rss, m['start'], m['end'], hz) if m else None
    x5 = sum(v for k, v in c.items() if k >= 500)
    x4 = sum(v for k, v in c.items() if 400 <= k < 500 and k != 409)
    return (f"{n:>6} {s['requests']:>9} {s['requests'] / secs:>8.0f} {ms(s['latency_us']['p50']):>8.1f} "
            f"{ms(s['latency_us']['p99']):>8.1f} {ms(s['latency_us']['max']):>8.0f} {x5:>5} {c[409]:>6} {x4:>6} "
            f"{sock:>7} {s['bytes'] / max(s['requests'], 1) / 1024:>6.1f} {fmb(m.get('rss_kb')):>7} {fmb(m.get('anon_kb')):>7} "
            f"{('%.0f' % cpu) if cpu is not None else '-':>5} "
            f"{('%.1f' % (m['store'] / 1048576)) if m.get('store') is not None else '-':>8}")


HEADER = (f"{'minute':>6} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'5xx':>5} "
          f"{'409':>6} {'4xx*':>6} {'sockerr':>7} {'KB/req':>6} {'RSS MB':>7} {'anon':>7} {'cpu%':>5} {'store MB':>8}")


def log_scan(path):
    levels = collections.Counter()
    msgs = collections.Counter()
    if not os.path.exists(path):
        return levels, msgs
    for l in open(path, errors='replace'):
        p = l.split(' ', 2)
        if len(p) < 3 or p[1] not in ('warn', 'error', 'critical'):
            continue
        levels[p[1]] += 1
        text = re.sub(r'rid=[0-9a-f]+', 'rid=…', p[2].strip())
        text = re.sub(r'\d+', 'N', text)
        msgs[(p[1], text[:200])] += 1
    return levels, msgs


def summary(d):
    slices, marks, rss, meta = load(d)
    hz = int(meta.get('HZ', '100'))
    store = meta.get('STORE', '?')
    out = []
    p = out.append
    p(f"== soak {store}: {meta.get('MINUTES', '?')} min x {meta.get('CONNECTIONS', '?')} connections "
      f"({meta.get('PER_ROLE', '?')} per role x 6 roles), {meta.get('DATE', '')}, {meta.get('CORES', '?')} cores, "
      f"kam {meta.get('KAM', '')}")
    if not slices:
        p('no minute finished')
        print('\n'.join(out))
        return 1
    total = collections.Counter()
    opc = collections.Counter()
    per_role4 = collections.defaultdict(collections.Counter)
    dur = 0.0
    req = 0
    sock = collections.Counter()
    for s in slices:
        total += statuses(s)
        opc += ops(s)
        dur += s['duration_us'] / 1e6
        req += s['requests']
        for k, v in s['errors'].items():
            if k != 'status':
                sock[k] += v
        for role, r in s['roles'].items():
            for code, n in r['status'].items():
                if 400 <= int(code) < 600:
                    per_role4[role][int(code)] += n
    x2 = sum(v for k, v in total.items() if 200 <= k < 300)
    x4 = sum(v for k, v in total.items() if 400 <= k < 500)
    x5 = sum(v for k, v in total.items() if k >= 500)
    writes = sum(opc[o] for o in WRITE_OPS)
    issued = sum(opc.values())
    p(f"requests {req:,} in {dur:.0f} s = {req / dur:,.0f} req/s; writes {100.0 * writes / max(issued, 1):.1f} % of those issued "
      f"({', '.join(f'{o} {opc[o]:,}' for o in WRITE_OPS)})")
    p(f"status   2xx {x2:,} ({fmt_codes(total, 200, 299)}) | 4xx {x4:,} ({fmt_codes(total, 400, 499)}; 409 = write conflicts) | "
      f"5xx {x5:,} ({fmt_codes(total, 500, 599)})")
    p(f"socket   connect {sock['connect']} read {sock['read']} write {sock['write']} timeout (>5 s) {sock['timeout']}")
    for role in sorted(per_role4):
        p(f"  {role:<12} 4xx/5xx: {fmt_codes(per_role4[role], 400, 599)}")
    p('')
    p(HEADER)
    for s in slices:
        p(minute_line(s, marks, rss, hz))
    p("  (4xx* = 4xx other than 409; sockerr = wrk connect/read/write errors and timeouts; KB/req = mean response size;")
    p("   RSS = kam's VmRSS at the end of the minute, anon = its RssAnon part (heap; the rest is file pages such as")
    p("   SQLite's mmap of the store); cpu% = kam's CPU over the minute, 200 = both cores; store MB = kam.db + -wal +")
    p("   -shm on disk, or pg_database_size, at the end of the minute)")
    first, last = slices[0], slices[-1]
    p(f"latency  minute 1 p50 {ms(first['latency_us']['p50']):.1f} ms p99 {ms(first['latency_us']['p99']):.1f} ms -> "
      f"minute {last['slice']} p50 {ms(last['latency_us']['p50']):.1f} ms p99 {ms(last['latency_us']['p99']):.1f} ms")
    rss_start = int(meta['RSS_START_KB']) if meta.get('RSS_START_KB', '').isdigit() else None
    rss_1 = marks.get(1, {}).get('rss_kb')
    rss_end = marks.get(last['slice'], {}).get('rss_kb')
    rss_max = max((x['kb'] for x in rss), default=None)
    p(f"memory   VmRSS before load {mb(rss_start):.1f} MB, after minute 1 {mb(rss_1):.1f} MB, at the end {mb(rss_end):.1f} MB "
      f"(x{(rss_end / rss_1) if rss_1 and rss_end else float('nan'):.2f} of minute 1; limit x{RSS_LIMIT}), "
      f"max {mb(rss_max):.1f} MB over {len(rss)} samples every 10 s")
    anon_1 = marks.get(1, {}).get('anon_kb')
    anon_end = marks.get(last['slice'], {}).get('anon_kb')
    files = [x['file'] for x in rss if x.get('file') is not None]
    if anon_1 and anon_end:
        p(f"         of which RssAnon {mb(anon_1):.1f} MB after minute 1 -> {mb(anon_end):.1f} MB at the end "
          f"(x{anon_end / anon_1:.2f}); RssFile between {mb(min(files)):.1f} and {mb(max(files)):.1f} MB over the samples")
    if rss:
        p(f"         threads {rss[0]['threads']} -> {rss[-1]['threads']}, open fds {rss[0]['fds']} -> {rss[-1]['fds']}")
    sb = meta.get('STORE_BYTES_START', '')
    se = marks.get(last['slice'], {}).get('store')
    if sb.isdigit() and se is not None:
        wal = meta.get('WAL_BYTES_END', '')
        db = meta.get('DB_BYTES_STOPPED', '')
        extra = ''
        if wal.isdigit() and db.isdigit():
            extra = (f" (SQLite: the -wal file {int(wal) / 1048576:.1f} MB of it, never truncated while kam runs; "
                     f"kam.db after the stop and checkpoint {int(db) / 1048576:.1f} MB)")
        p(f"store    {int(sb) / 1048576:.1f} MB before load -> {se / 1048576:.1f} MB at the end{extra}")
    p(f"machine  load average (1/5/15 min) {meta.get('LOAD_START', '?')} before, {meta.get('LOAD_END', '?')} after;"
      f" kam stopped with status {meta.get('KAM_STOP_STATUS', '?') or '?'} on SIGTERM")
    levels, msgs = log_scan(os.path.join(d, 'serve.log'))
    p(f"kam log  {sum(levels.values())} warn/error lines ({', '.join(f'{k} {v}' for k, v in sorted(levels.items())) or 'none'})")
    for (lvl, text), n in msgs.most_common(10):
        p(f"  {n:>6} x {lvl}: {text}")
    if meta.get('PG_LOG_ERRORS'):
        p(f"postgres log: {meta['PG_LOG_ERRORS']} ERROR/FATAL/PANIC lines (see pg-errors.txt)")
    fails = []
    if x5:
        fails.append(f'{x5} responses 5xx')
    if rss_1 and rss_end and rss_end > RSS_LIMIT * rss_1:
        fails.append(f'VmRSS grew x{rss_end / rss_1:.2f} after minute 1')
    if meta.get('KAM_DIED'):
        fails.append('kam exited during the run: ' + meta['KAM_DIED'])
    if len(slices) < int(meta.get('MINUTES', len(slices))):
        fails.append(f"only {len(slices)} of {meta.get('MINUTES')} minutes ran")
    warn = []
    if sum(sock.values()):
        warn.append(f'{sum(sock.values())} socket errors/timeouts')
    if x4 - total[409]:
        warn.append(f'{x4 - total[409]} 4xx other than 409')
    if levels:
        warn.append(f'{sum(levels.values())} warn/error lines in kam\'s log')
    p(f"RESULT {store}: {'FAIL (' + '; '.join(fails) + ')' if fails else 'PASS'}"
      + (f"; to look at: {'; '.join(warn)}" if warn else ''))
    print('\n'.join(out))
    return 1 if fails else 0


def main():
    d, what = sys.argv[1], sys.argv[2]
    if what == 'minute':
        slices, marks, rss, meta = load(d)
        n = int(sys.argv[3])
        for s in slices:
            if s['slice'] == n:
                print(minute_line(s, marks, rss, int(meta.get('HZ', '100'))))
        return 0
    if what == 'header':
        print(HEADER)
        return 0
    return summary(d)


if __name__ == '__main__':
    sys.exit(main())
