-- wrk script: realistic Everflow deliveries for `evarchive serve`.
--
-- Environment:
--   EVARCHIVE_TOKEN  the server's token (required)
--   SAMPLES_DIR      folder of the sample payloads (examples/samples)
--   MIX              mixed (default): ~85% conversions/events with unique ids,
--                    ~2% exact redeliveries, the rest offers (5-50 KB), partners,
--                    advertisers, approvals, traffic blocks;
--                    conversions: only new ~1.7 KB conversions;
--                    offers: only ~30 KB offer versions;
--                    redeliveries: the same conversion again and again.
--   RUN_ID           a number making this run's ids unique (default: time)
--
-- done() prints one JSON line (prefix BENCH_JSON) with the counts and latency
-- percentiles, which examples/bench reads.

local token = os.getenv("EVARCHIVE_TOKEN") or error("set EVARCHIVE_TOKEN")
local samples = os.getenv("SAMPLES_DIR") or "examples/samples"
local mix = os.getenv("MIX") or "mixed"
local run_id = tonumber(os.getenv("RUN_ID") or tostring(os.time() % 100000))

local function read(kind)
  local file = assert(io.open(samples .. "/" .. kind .. ".json", "rb"))
  local body = file:read("*a")
  file:close()
  return body
end

-- Templates: the sample with its identity (and a time) made into a %d slot.
local conversion = read("conversion_registered")
  :gsub('"conversion_id": %d+', '"conversion_id": %%d', 1)
  :gsub('"conversion_unix_timestamp": %d+', '"conversion_unix_timestamp": %%d', 1)
local event = read("event_registered")
  :gsub('"conversion_id": %d+', '"conversion_id": %%d', 1)
  :gsub('"conversion_unix_timestamp": %d+', '"conversion_unix_timestamp": %%d', 1)
local offer = read("offer_updated")
  :gsub('"network_offer_id": %d+', '"network_offer_id": %%d', 1)
  :gsub('"time_saved": 1764005001', '"time_saved": %%d', 1)
  :gsub('"html_description": "[^"]*"', '"html_description": "%%s"', 1)
local partner = read("affiliate_updated")
  :gsub('"network_affiliate_id": %d+', '"network_affiliate_id": %%d', 1)
  :gsub('"time_saved": %d+', '"time_saved": %%d', 1)
local advertiser = read("advertiser_updated")
  :gsub('"network_advertiser_id": %d+', '"network_advertiser_id": %%d', 1)
  :gsub('"time_saved": %d+', '"time_saved": %%d', 1)
local approval = read("affiliate_approved_for_offer")
  :gsub('"affiliate_id": %d+', '"affiliate_id": %%d', 1)
  :gsub('"event_time": %d+', '"event_time": %%d', 1)
local blocks = read("traffic_optimized")
  :gsub('"network_traffic_optimization_blocked_variable_id": 100', '"network_traffic_optimization_blocked_variable_id": %%d', 1)
  :gsub('"network_traffic_optimization_blocked_variable_id": 101', '"network_traffic_optimization_blocked_variable_id": %%d', 1)
  :gsub('"network_traffic_optimization_blocked_variable_id": 102', '"network_traffic_optimization_blocked_variable_id": %%d', 1)

local thread_index = 0
function setup(thread)
  thread:set("thread_index", thread_index)
  thread_index = thread_index + 1
end

local counter = 0
local last_conversion = nil
local filler = string.rep("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 1000)

local function next_id()
  counter = counter + 1
  -- Unique across threads and runs: run, thread, counter.
  return (run_id * 100 + (thread_index or 0)) * 10000000 + counter
end

local function path(kind)
  return "/webhooks/" .. kind .. "?token=" .. token
end

local function post(kind, body)
  return wrk.format("POST", path(kind), { ["Content-Type"] = "application/json" }, body)
end

local function new_conversion()
  local id = next_id()
  last_conversion = string.format(conversion, id, 1764000000 + id % 7776000)
  return post("conversion_registered", last_conversion)
end

local function new_offer(size)
  local id = next_id()
  local description = filler:sub(1, size)
  -- Placeholders in document order: id, description, time_saved.
  return post("offer_updated", string.format(offer, id % 1000 + 1, description, 1764000000 + id % 100000000))
end

function request()
  if mix == "conversions" then
    return new_conversion()
  elseif mix == "offers" then
    return new_offer(30000 - 4500)
  elseif mix == "redeliveries" then
    if last_conversion == nil then return new_conversion() end
    return post("conversion_registered", last_conversion)
  end
  local r = math.random()
  if r < 0.02 and last_conversion ~= nil then
    return post("conversion_registered", last_conversion)
  elseif r < 0.79 then
    return new_conversion()
  elseif r < 0.87 then
    local id = next_id()
    return post("event_registered", string.format(event, id, 1764000000 + id % 7776000))
  elseif r < 0.91 then
    return new_offer(math.random(500, 45500))
  elseif r < 0.94 then
    local id = next_id()
    return post("affiliate_updated", string.format(partner, id % 5000 + 1, 1764000000 + id))
  elseif r < 0.96 then
    local id = next_id()
    return post("advertiser_updated", string.format(advertiser, id % 500 + 1, 1764000000 + id))
  elseif r < 0.985 then
    local id = next_id()
    return post("affiliate_approved_for_offer", string.format(approval, id % 5000 + 1, 1764000000 + id))
  else
    local id = next_id()
    return post("traffic_optimized", string.format(blocks, id * 3, id * 3 + 1, id * 3 + 2))
  end
end

local non_200 = 0
function response(status, headers, body)
  if status ~= 200 then non_200 = non_200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"bytes":%d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    summary.bytes))
end
