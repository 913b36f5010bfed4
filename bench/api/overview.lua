-- wrk script: GET /api/v1/customers/{random id}/overview, authenticated.
local token = os.getenv("KAM_TOKEN")
local max_id = tonumber(os.getenv("KAM_MAX_ID") or "1000")
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter * 7919)
end
init = function()
  math.randomseed(seed or 1)
end
request = function()
  local id = math.random(1, max_id)
  return wrk.format("GET", "/api/v1/customers/" .. id .. "/overview", { ["Authorization"] = "Bearer " .. token })
end
