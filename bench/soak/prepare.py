#!/usr/bin/env python3
"""Signs in as the soak test's six roles and picks, through the API, ids each role may touch.

    prepare.py BASE_URL OUT.lua

Writes a Lua file (read by mix.lua in every wrk thread) with one entry per role: its token, the
customers it reads (its whole scope), the customers it writes contact records on, the needs it
patches with their current versions, and customer-search fragments from names it can see.
Writes are kept apart so that two roles never patch the same need: manager1 patches needs of its
own customers, supervisor1 those of its team's other customers, admin those outside the team.
"""
import json
import random
import sys
import urllib.parse
import urllib.request

PASSWORD = 'Kam@2026demo'  # tests/integration/harness.mjs
ROLES = ['admin', 'supervisor1', 'manager1', 'phone1', 'agent1', 'analyst1']
KNOWLEDGE = ['宽带', '宽带断网', 'vpn', 'VPN 登录', '专线', '套餐', '发票', '携号转网', '漫游', 'apn', '故障', '投诉']
NEEDS_PER_ROLE = 120
CUSTOMERS_SCANNED_FOR_NEEDS = 150

base = sys.argv[1].rstrip('/')
out = sys.argv[2]
rng = random.Random(42)


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header('Authorization', 'Bearer ' + token)
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b'null')


def customers(token):
    items, cursor = [], None
    while True:
        q = '/api/v1/customers?limit=200' + ('&cursor=' + urllib.parse.quote(cursor) if cursor else '')
        page = call('GET', q, token)
        items += page['items']
        cursor = page.get('next_cursor')
        if not cursor:
            return items


def needs_of(token, ids):
    found = {}
    for cid in ids[:CUSTOMERS_SCANNED_FOR_NEEDS]:
        for n in call('GET', f'/api/v1/customers/{cid}/needs?limit=200', token)['items']:
            found[n['id']] = n['version']
        if len(found) >= NEEDS_PER_ROLE:
            break
    return found


def fragments(cs):
    out = set()
    for c in cs:
        name = c['name']
        if len(name) >= 2:
            i = rng.randrange(0, len(name) - 1)
            out.add(name[i:i + 2])
        if len(out) >= 60:
            break
    return sorted(out)


sessions = {}
for r in ROLES:
    s = call('POST', '/api/v1/auth/login', body={'username': r, 'password': PASSWORD})
    sessions[r] = {'token': s['token'], 'user_id': s['user']['id']}

scope = {r: customers(sessions[r]['token']) for r in ROLES}
ids = {r: [c['id'] for c in scope[r]] for r in ROLES}
for r in ROLES:
    rng.shuffle(ids[r])
    if not ids[r]:
        sys.exit(f'prepare: {r} sees no customer')

team = set(ids['supervisor1'])
own = set(ids['manager1'])
groups_all = [c['id'] for c in scope['admin'] if c['kind'] == 'group']
need_customers = {
    'manager1': [i for i in ids['manager1']],
    'supervisor1': [i for i in ids['supervisor1'] if i not in own],
    'admin': [i for i in ids['admin'] if i not in team],
}
needs = {r: needs_of(sessions[r]['token'], cs) for r, cs in need_customers.items()}

write_customers = {
    'admin': ids['admin'],
    'supervisor1': ids['supervisor1'],
    'manager1': ids['manager1'],
    'phone1': ids['phone1'],
    'agent1': groups_all or ids['agent1'],  # work orders: the hotline takes any group's call
    'analyst1': [],
}


def lua(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string (ASCII escapes only here) is a valid Lua string
    if isinstance(v, dict):
        return '{' + ','.join(f'[{lua(k)}]={lua(x)}' for k, x in v.items()) + '}'
    return '{' + ','.join(lua(x) for x in v) + '}'


enc = lambda s: urllib.parse.quote(s, safe='')
data = {
    'roles': [{
        'name': r,
        'token': sessions[r]['token'],
        'user_id': sessions[r]['user_id'],
        'read_ids': ids[r],
        'write_ids': write_customers[r],
        'needs': needs.get(r, {}),
        'search': [enc(f) for f in fragments(scope[r])],
    } for r in ROLES],
    'knowledge': [enc(k) for k in KNOWLEDGE],
}
with open(out, 'w') as f:
    f.write('return ' + lua(data) + '\n')
for r in ROLES:
    print(f'  {r:<12} scope {len(ids[r]):>4} customers, writes on {len(write_customers[r]):>4}, '
          f'needs to patch {len(needs.get(r, {})):>3}')
