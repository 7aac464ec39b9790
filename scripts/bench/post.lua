-- wrk script of npm run bench, load `post`: the same JSON event (the file
-- given after `--`, payload.json: the article's sample) on every request.
-- Usage: wrk -t1 -c64 -d10s -s post.lua http://127.0.0.1:13000/ev -- payload.json
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "result.lua")

function init(args)
  local path = args[1] or (here .. "payload.json")
  local file = assert(io.open(path, "rb"), "cannot open the payload file " .. path)
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  file:close()
end
