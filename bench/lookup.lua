-- wrk script: public lookups, each a body drawn at random from a file of JSON bodies (one a line).
-- Usage: wrk ... -s bench/lookup.lua http://127.0.0.1:PORT/api/v1/lookup -- BODIES_FILE
local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local bodies = {}
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  assert(#bodies > 0, "no bodies in " .. tostring(args[1]))
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  return wrk.format("POST", nil, headers, bodies[math.random(#bodies)])
end
