-- wrk script for the Analytics benchmark: each request takes the next path of a file of
-- request paths (one per line, distinct, already shuffled by run.sh), starting at OFFSET, so
-- that no answer can come from an earlier identical request unless the whole list has been
-- walked; run.sh moves OFFSET past what earlier runs asked.
--
-- wrk ... -s analytics.lua URL -- PATHS_FILE OFFSET [count]
--   count  count the answers that say "cached":true (reads every body: costs client CPU)
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local paths, pos, counting

function init(args)
  local offset = tonumber(args[2] or "0")
  counting = args[3] == "count"
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  -- Each wrk thread starts at its own place in the list.
  pos = (offset + thread_index * 1000) % #paths
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
  return wrk.format("GET", paths[pos])
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
