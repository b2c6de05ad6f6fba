-- wrk script for the Analytics benchmark: each request takes the next path of a file of
-- request paths (one per line, already shuffled by run.sh), starting at OFFSET, and adds
-- `&bench_request=N`, N counting up from OFFSET: a parameter the API ignores but the answer cache
-- keys on (it keys on the query string), so that no answer comes from an earlier request. run.sh
-- moves OFFSET past what earlier runs asked.
--
-- wrk ... -s analytics.lua URL -- PATHS_FILE OFFSET [count]
--   count  count the answers that say "cached":true (reads every body: costs client CPU)
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local paths, pos, serial, counting

function init(args)
  local offset = tonumber(args[2] or "0")
  counting = args[3] == "count"
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  -- Each wrk thread starts at its own place in the list.
  pos = (offset + thread_index * 1000) % #paths
  serial = offset + thread_index * 1000000000
  answers, cached = 0, 0
  if counting then
    response = function(status, headers, body)
      answers = answers + 1
      if body:find('"cached":true', 1, true) then cached = cached + 1 end
    end
  end
end

function request()
  pos = pos % #paths + 1
  serial = serial + 1
  return wrk.format("GET", paths[pos] .. "&bench_request=" .. serial)
end

function done(summary, latency, requests)
  local a, c = 0, 0
  for _, t in ipairs(threads) do
    a = a + (t:get("answers") or 0)
    c = c + (t:get("cached") or 0)
  end
  if a > 0 then
    io.write(string.format("cached answers: %d of %d\n", c, a))
  end
end
