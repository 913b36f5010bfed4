-- wrk script of the soak test: one wrk thread per role, the connections spread evenly over them.
-- Env: KAM_SOAK_DATA (Lua file from prepare.py), KAM_SOAK_STATE (versions carried from slice to
-- slice), KAM_SOAK_OUT (one JSON line per slice is appended), KAM_SOAK_SLICE (slice number).
-- Each request is drawn from the role's weighted mix; responses are counted by status per role,
-- and the versions in need and work-order answers are remembered so later writes send them.

local data_file = os.getenv("KAM_SOAK_DATA")
local state_file = os.getenv("KAM_SOAK_STATE")

-- Weighted mixes, in percent of the role's requests. Writes: contact (POST a contact record),
-- need (PATCH a need), wo_new (POST a work order), wo_note (comment on a work order).
local MIX = {
  admin       = { list = 12, search = 12, overview = 24, alerts = 12, orders = 8, notes = 8, kb = 6, need_get = 2, contact = 9, need = 7 },
  supervisor1 = { list = 12, search = 12, overview = 24, alerts = 12, orders = 8, notes = 8, kb = 6, need_get = 2, contact = 9, need = 7 },
  manager1    = { list = 12, search = 12, overview = 24, alerts = 12, orders = 8, notes = 8, kb = 6, need_get = 2, contact = 9, need = 7 },
  phone1      = { list = 12, search = 12, overview = 26, alerts = 12, orders = 8, notes = 8, kb = 6, contact = 16 },
  agent1      = { list = 10, search = 14, overview = 22, alerts = 8, orders = 12, notes = 6, kb = 10, wo_get = 2, wo_new = 6, wo_note = 10 },
  analyst1    = { list = 16, search = 14, overview = 30, alerts = 16, orders = 8, notes = 8, kb = 8 },
}

local threads = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("role_index", counter)
  table.insert(threads, thread)
end

-- Per thread (globals where done() reads them back with thread:get: role_name, statuses, ops,
-- needver, wos) ------------------------------------------------------------------------------
local role, auth, json_auth, need_ids, wo_ring, wo_pos, seq, cum, total_w

init = function(args)
  local data = dofile(data_file)
  role = data.roles[((role_index or 1) - 1) % #data.roles + 1]
  role_name = role.name
  knowledge = data.knowledge
  auth = { ["Authorization"] = "Bearer " .. role.token }
  json_auth = { ["Authorization"] = "Bearer " .. role.token, ["Content-Type"] = "application/json" }
  math.randomseed(os.time() + (role_index or 1) * 7919)
  ops, statuses, seq = {}, {}, 0
  needver, need_ids = {}, {}
  for id, v in pairs(role.needs) do needver[id] = v; table.insert(need_ids, id) end
  table.sort(need_ids)
  wos, wo_ring, wo_pos = {}, {}, 0
  -- versions learnt in earlier slices
  local ok, st = pcall(dofile, state_file)
  if ok and type(st) == "table" and st[role.name] then
    for id, v in pairs(st[role.name].needver or {}) do if needver[id] then needver[id] = v end end
    for id, v in pairs(st[role.name].wos or {}) do remember_wo(id, v) end
  end
  cum, total_w = {}, 0
  for op, w in pairs(MIX[role.name]) do
    total_w = total_w + w
    table.insert(cum, { total_w, op })
  end
end

function remember_wo(id, v)
  if wos[id] == nil then
    wo_pos = wo_pos % 64 + 1
    local old = wo_ring[wo_pos]
    if old then wos[old] = nil end
    wo_ring[wo_pos] = id
  end
  wos[id] = v
end

local function pick(t) return t[math.random(#t)] end

local function occurred_at()  -- some time in the week before KAM_NOW (2026-11-24T08:00+08:00)
  return string.format("2026-11-%02dT%02d:%02d:00+08:00", math.random(17, 23), math.random(8, 20), math.random(0, 59))
end

local CHANNELS = { "call", "visit", "wechat", "sms", "email", "meeting" }
local OUTCOMES = { "positive", "neutral", "negative", "no_answer" }
local WO_TYPES = { "fault", "consultation", "request", "complaint" }
local LIST_Q = { "", "&kind=group", "&sort=-updated_at", "&kind=group&sort=-employees", "&sort=-name" }
local ALERT_Q = { "?limit=20", "?state=active&limit=20", "?state=open&limit=20" }
local MINE_Q = { "?owner=me&state=active&limit=20", "?limit=20", "?owner=me&limit=20" }

local build = {}
build.list = function() return wrk.format("GET", "/api/v1/customers?limit=20" .. pick(LIST_Q), auth) end
build.search = function() return wrk.format("GET", "/api/v1/customers?limit=20&q=" .. pick(role.search), auth) end
build.overview = function() return wrk.format("GET", "/api/v1/customers/" .. pick(role.read_ids) .. "/overview", auth) end
build.alerts = function()
  local q = (role.name == "manager1" or role.name == "phone1") and pick(MINE_Q) or pick(ALERT_Q)
  return wrk.format("GET", "/api/v1/alert-tasks" .. q, auth)
end
build.orders = function()
  if role.name == "agent1" and math.random(2) == 1 then return wrk.format("GET", "/api/v1/work-orders/queue", auth) end
  return wrk.format("GET", "/api/v1/work-orders?limit=20", auth)
end
build.notes = function() return wrk.format("GET", "/api/v1/notifications?limit=20", auth) end
build.kb = function() return wrk.format("GET", "/api/v1/knowledge?limit=20&q=" .. pick(knowledge), auth) end
build.need_get = function()
  if #need_ids == 0 then return build.overview() end
  return wrk.format("GET", "/api/v1/needs/" .. pick(need_ids), auth)
end
build.contact = function()
  seq = seq + 1
  local body = string.format('{"channel":"%s","subject":"soak %s #%d","occurred_at":"%s","outcome":"%s","summary":"soak test contact record"}',
    pick(CHANNELS), role.name, seq, occurred_at(), pick(OUTCOMES))
  return wrk.format("POST", "/api/v1/customers/" .. pick(role.write_ids) .. "/contacts", json_auth, body)
end
build.need = function()
  if #need_ids == 0 then return build.contact() end
  seq = seq + 1
  local id = pick(need_ids)
  local status = (math.random(2) == 1) and "open" or "in_progress"
  local body = string.format('{"version":%d,"status":"%s","description":"soak %s #%d"}', needver[id], status, role.name, seq)
  return wrk.format("PATCH", "/api/v1/needs/" .. id, json_auth, body)
end
build.wo_new = function()
  seq = seq + 1
  local body = string.format('{"type":"%s","title":"soak work order #%d","customer_id":%d,"description":"soak test"}',
    pick(WO_TYPES), seq, pick(role.write_ids))
  return wrk.format("POST", "/api/v1/work-orders", json_auth, body)
end
build.wo_note = function()
  if #wo_ring == 0 then return build.wo_new(), "wo_new" end
  seq = seq + 1
  local id = pick(wo_ring)
  local body = string.format('{"version":%d,"note":"soak note #%d"}', wos[id], seq)
  return wrk.format("POST", "/api/v1/work-orders/" .. id .. "/comment", json_auth, body)
end
build.wo_get = function()
  if #wo_ring == 0 then return build.orders(), "orders" end
  return wrk.format("GET", "/api/v1/work-orders/" .. pick(wo_ring), auth)
end

request = function()
  local r = math.random() * total_w
  local op = cum[#cum][2]
  for _, c in ipairs(cum) do
    if r < c[1] then op = c[2]; break end
  end
  local req, actual = build[op]()
  actual = actual or op
  ops[actual] = (ops[actual] or 0) + 1
  return req
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 or status == 201 then
    local head = body:sub(1, 12)
    if head == '{"category":' then  -- a need (keys are sorted: its own "id" is the first)
      local id, v = tonumber(body:match('"id":(%d+)')), tonumber(body:match('"version":(%d+)}$'))
      if id and v and needver[id] then needver[id] = v end
    elseif head == '{"actions":[' then  -- one work order
      local id, v = tonumber(body:match(',"id":(%d+),"level":')), tonumber(body:match('"version":(%d+)}$'))
      if id and v then remember_wo(id, v) end
    end
  end
end

-- After the slice, in wrk's main Lua state ----------------------------------------------------
local function jstr(t)
  local parts = {}
  for k, v in pairs(t) do table.insert(parts, string.format('"%s":%d', tostring(k), v)) end
  table.sort(parts)
  return "{" .. table.concat(parts, ",") .. "}"
end

done = function(summary, latency, requests)
  local roles, state = {}, {}
  for _, t in ipairs(threads) do
    local name = t:get("role_name") or ("thread" .. tostring(t:get("role_index")))
    table.insert(roles, string.format('"%s":{"status":%s,"ops":%s}', name, jstr(t:get("statuses") or {}), jstr(t:get("ops") or {})))
    local nv, wv = {}, {}
    for id, v in pairs(t:get("needver") or {}) do table.insert(nv, string.format("[%d]=%d", id, v)) end
    for id, v in pairs(t:get("wos") or {}) do table.insert(wv, string.format("[%d]=%d", id, v)) end
    table.insert(state, string.format('["%s"]={needver={%s},wos={%s}}', name, table.concat(nv, ","), table.concat(wv, ",")))
  end
  local f = io.open(state_file, "w")
  f:write("return {" .. table.concat(state, ",") .. "}\n")
  f:close()
  local e = summary.errors
  local us = function(p) return latency:percentile(p) end
  local line = string.format(
    '{"slice":%s,"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f},"roles":{%s}}\n',
    os.getenv("KAM_SOAK_SLICE") or "0", summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    us(50), us(90), us(99), us(99.9), latency.max, latency.mean, table.concat(roles, ","))
  local out = io.open(os.getenv("KAM_SOAK_OUT"), "a")
  out:write(line)
  out:close()
end
