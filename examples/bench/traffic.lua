-- wrk script: realistic Everflow deliveries for `evarchive serve`.
--
-- Environment:
--   EVARCHIVE_TOKEN  the server's token (required)
--   SAMPLES_DIR      folder of the sample payloads (examples/samples)
--   MIX              mixed (default): ~85% conversions/events with unique ids,
--                    ~2% exact redeliveries, the rest offers (0.5-50 KB, each
--                    offer its own size and text, versions differing by an
--                    edit), partners,
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

-- Templates: the sample with its identity (and a time) made into a %d slot;
-- a conversion's high-entropy fields vary as in real traffic (a random
-- transaction id, sub id, IP address and user-agent versions), so bodies
-- compress as real ones do.
local conversion = read("conversion_registered")
  :gsub('"conversion_id": %d+', '"conversion_id": %%d', 1)
  :gsub('"conversion_unix_timestamp": %d+', '"conversion_unix_timestamp": %%d', 1)
  :gsub('"transaction_id": "[^"]*"', '"transaction_id": "%%s"', 1)
  :gsub('"sub1": "[^"]*"', '"sub1": "%%s"', 1)
  :gsub('"sub3": "[^"]*"', '"sub3": "%%s"', 1)
  :gsub('"session_user_ip": "[^"]*"', '"session_user_ip": "%%s"', 1)
  :gsub('"http_user_agent": "[^"]*"', '"http_user_agent": "%%s"', 1)
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

function init(args)
  math.randomseed(run_id * 1000 + (thread_index or 0) * 100)
end
local last_conversion = nil
-- Random hex in 32-bit words: few calls per body, so the load generator,
-- which shares the CPU with the server, stays cheap.
local function random_hex(words)
  local out = {}
  for i = 1, words do
    out[i] = string.format("%08x", math.random(0, 4294967295))
  end
  return table.concat(out)
end

local function random_ip()
  return string.format("%d.%d.%d.%d", math.random(1, 223), math.random(0, 255),
    math.random(0, 255), math.random(1, 254))
end

local function random_agent()
  return string.format(
    "Mozilla/5.0 (Linux; Android %d; SM-S%dB) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Mobile Safari/537.36",
    math.random(8, 15), math.random(100, 999), math.random(90, 140), math.random(1000, 7000),
    math.random(10, 200))
end

-- Each offer's own description (offers differ; versions of one offer differ
-- by an edit), made once per thread: words in random order, as prose.
local words = { "traffic", "allowed", "email", "social", "native", "search", "display",
  "push", "incentivized", "not", "brand", "bidding", "geo", "mobile", "desktop", "only",
  "trial", "annual", "subscription", "first", "deposit", "lead", "form", "submit", "payout",
  "per", "approved", "sale", "landing", "page", "creative", "banner", "video", "content",
  "prohibited", "restricted", "contact", "manager", "before", "running", "cap", "daily",
  "weekly", "conversion", "window", "days", "cookie" }
local descriptions = {}

local function description_of(offer_id)
  local text = descriptions[offer_id]
  if text then return text end
  -- The same text for an offer in every thread and run.
  math.randomseed(offer_id)
  local size = 30000 - 4500
  if mix == "mixed" then size = 500 + (offer_id * 7919) % 45000 end
  local out, length = {}, 0
  while length < size do
    local word = words[math.random(1, #words)]
    out[#out + 1] = word
    length = length + #word + 1
  end
  text = table.concat(out, " ")
  descriptions[offer_id] = text
  math.randomseed(run_id * 1000 + (thread_index or 0) * 100 + counter)
  return text
end

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
  last_conversion = string.format(conversion, id, 1764000000 + id % 7776000,
    random_hex(4), random_hex(2):sub(1, 12), random_hex(5),
    random_ip(), random_agent())
  return post("conversion_registered", last_conversion)
end

local function new_offer()
  local id = next_id()
  local offer_id = id % 1000 + 1
  -- An edit: the offer's description with this version's note.
  local description = description_of(offer_id) .. " (edit " .. id .. ")"
  -- Placeholders in document order: id, description, time_saved.
  return post("offer_updated", string.format(offer, offer_id, description, 1764000000 + id % 100000000))
end

function request()
  if mix == "conversions" then
    return new_conversion()
  elseif mix == "offers" then
    return new_offer()
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
    return new_offer()
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
