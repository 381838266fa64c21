-- wrk script: cycles the request paths of a generated corpus's query files, one path a line
-- (riskatlas-gencorpus writes queries/search.txt, prefix.txt, browse.txt).
--   wrk -t2 -c8 -d10s --latency -s bench/wrk/queries.lua http://127.0.0.1:PORT -- FILE [FILE...]
-- Each thread starts at its own offset so that connections do not ask the same thing in step.
local paths = {}
local next_index = 1
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for _, file in ipairs(args) do
    for line in io.lines(file) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
  if #paths == 0 then error("no request paths in " .. table.concat(args, ", ")) end
  next_index = ((offset or 0) * 97) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end
