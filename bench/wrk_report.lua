-- wrk script for the benchmark: rotates the tokens given after "--" (one per request, so
-- the load comes from many users) and prints the figures as one JSON line at the end.

local tokens = {}
local counter = 0

function init(args)
  for i, token in ipairs(args) do
    tokens[i] = token
  end
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  -- "sessionid=..." is a signed-in browser (the pages), anything else an API token.
  if string.find(token, "=", 1, true) then
    return wrk.format(nil, nil, { ["Cookie"] = token })
  end
  return wrk.format(nil, nil, { ["Authorization"] = "Token " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "socket_errors": %d, '
      .. '"status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean
  ))
end
