-- wrk script of npm run bench, load `unique`: a distinct EV event on every
-- request, round-robin over 1,000 vehicles, each one 10 s later and a little
-- further than its previous event, so that processing stores every event
-- instead of replaying one idempotency key.
-- Usage: wrk -t1 -c64 -d10s -s unique.lua http://127.0.0.1:13000/ev
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "result.lua")

local VEHICLES = 1000
local START = 1707992400 -- 2024-02-15T10:20:00Z
local EVENT = '{"vehicle_id":"EV-%04d","timestamp":"%s","location":{"latitude":%.6f,"longitude":%.6f},' ..
  '"battery":{"percentage":%.1f,"voltage":390,"temperature":25.3},"speed":%d,"odometer":%.1f}'

local sent = 0
local thread_number = 0
local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function request()
  sent = sent + 1
  local vehicle = sent % VEHICLES
  -- Threads start far apart in time, so that two threads never send the same event.
  local step = math.floor(sent / VEHICLES) + (tonumber(thread_number) or 0) * 1000000
  local body = string.format(EVENT, vehicle, os.date("!%Y-%m-%dT%H:%M:%SZ", START + step * 10),
    37.7 + (step % 10000) * 0.00001, -122.4 - vehicle * 0.0001, 100 - (step % 1000) * 0.1, 40 + step % 60,
    10000 + step * 0.2)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
