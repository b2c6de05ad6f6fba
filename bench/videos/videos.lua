-- wrk script for GET /api/v1/videos/{id}/stats: each request takes the next video of a
-- shuffled list, so that the server's result cache cannot answer it; each wrk thread walks its
-- own share of the ids, and every new pass over the list moves the date range by one day (a
-- new cache key) instead of asking again what was already asked.
--
-- wrk ... -s videos.lua URL -- IDS_FILE SHAPE ORDER THREADS [count]
--   IDS_FILE  one video id per line
--   SHAPE     engagement: ?metric=engagement_rate_by_views, 90 days (2026-01-01..2026-03-31)
--             cohort:     legacy shape with cohort=1, 30 days (2026-03-02..2026-03-31)
--             cohort90:   legacy shape with cohort=1, 90 days (2026-01-01..2026-03-31): the
--                         largest answers of this dataset, to fill the result cache
--   ORDER     random (shuffled, distinct per pass) or fixed (the first id, always the same
--             range: the cached case)
--   THREADS   the -t given to wrk
--   count     count the answers that say "cached":true (reads every body: costs client CPU)
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local ids, shape, order, pos, pass, counting
local day0 = os.time({year = 2026, month = 1, day = 1, hour = 12})

local function date(offset)
  return os.date("!%Y-%m-%d", day0 + offset * 86400)
end

function init(args)
  local file, nthreads
  file, shape, order, nthreads = args[1], args[2], args[3], tonumber(args[4] or "1")
  counting = args[5] == "count"
  local all = {}
  for line in io.lines(file) do
    if #line > 0 then table.insert(all, line) end
  end
  ids = {}
  for i = 1 + thread_index, #all, nthreads do table.insert(ids, all[i]) end
  math.randomseed(1000 + thread_index)
  for i = #ids, 2, -1 do
    local j = math.random(i)
    ids[i], ids[j] = ids[j], ids[i]
  end
  if order == "fixed" then ids = {all[1]} end
  pos, pass = 0, 0
  answers, cached = 0, 0
  if counting then
    response = function(status, headers, body)
      answers = answers + 1
      if body:find('"cached":true', 1, true) then cached = cached + 1 end
    end
  end
end

function request()
  pos = pos + 1
  if pos > #ids then
    pos = 1
    if order ~= "fixed" then pass = pass + 1 end
  end
  local query
  if shape == "engagement" then
    -- 2026-01-01 .. 2026-03-31 is 90 days; later passes slide the window
    query = "metric=engagement_rate_by_views&from=" .. date(pass) .. "&to=" .. date(89 + pass)
  else
    -- 2026-03-02 (or 2026-01-01) .. 2026-03-31; later passes only move `to` past the data
    -- (the same payload)
    local from = shape == "cohort90" and 0 or 60
    query = "cohort=1&from=" .. date(from) .. "&to=" .. date(89 + pass)
  end
  return wrk.format("GET", "/api/v1/videos/" .. ids[pos] .. "/stats?" .. query)
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
