-- wrk script: POSTs one request body to the gateway's inference endpoint, over and over.
--   MORPHGATE_BODY=path/to/item.png MORPHGATE_CONTENT_TYPE=image/png \
--     wrk -t2 -c16 -d15s --latency -s benchmarks/wrk/infer.lua http://127.0.0.1:8080/morphgate/v1/infer
-- At the end it prints one line "morphgate-wrk {json}" with throughput, latency percentiles and status counts.
local path = os.getenv("MORPHGATE_BODY")
local file = assert(io.open(path, "rb"), "cannot read MORPHGATE_BODY=" .. tostring(path))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("MORPHGATE_CONTENT_TYPE") or "image/png"

local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  served = 0
  refused = 0
  other = 0
end

function response(status, headers, body)
  if status == 200 then
    served = served + 1
  elseif status == 429 then
    refused = refused + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s, r, o = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("served")
    r = r + t:get("refused")
    o = o + t:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'morphgate-wrk {"requests":%d,"seconds":%.3f,"requestsPerSecond":%.1f,"served":%d,"refused":%d,"otherStatus":%d,'
    .. '"socketErrors":%d,"p50Millis":%.3f,"p90Millis":%.3f,"p99Millis":%.3f,"maxMillis":%.3f}\n',
    summary.requests, seconds, summary.requests / seconds, s, r, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
