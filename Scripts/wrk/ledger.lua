-- wrk script for Scripts/bench-daemon: POSTs canonical-JSON bodies from a file (one per line) and checks every answer.
--
--   wrk -t T -c C -d CAP -s Scripts/wrk/ledger.lua URL -- MODE FILE T DONEDIR [QUERY]
--
-- MODE once:   the submissions. Each thread takes its own contiguous slice of FILE and sends every body exactly once
--              to /v1/submissions (a resend would be a duplicate, answered 200, not a new durable entry). A
--              connection with nothing left to send goes idle; when all of a thread's answers are in, the thread
--              stops, and the last thread to stop wakes wrk's main thread (SIGINT), so -d is only a safety cap.
--              Only 201 counts as a durable, acknowledged submission.
-- MODE rotate: the verification questions. Every thread cycles through all of FILE against /v1/verify until wrk's
--              -d ends. Only 200 with "verdict":"authentic" counts. QUERY (e.g. receipt=false) is added to the path.
--
-- The rate is counted answers / wall seconds from the first request any thread sent to the last counted answer any
-- thread received (own clock, so neither wrk's setup nor its -d sleep pads it). done() prints WRK_* lines for the
-- calling script; WRK_VERDICT is FAIL on any other status, a wrong body, a socket error, a latency beyond
-- --timeout, or (once) a body left unanswered.
--
-- Latency percentiles are wrk's own (per request, time from writing it to its complete answer). Note wrk 4.x
-- applies its coordinated-omission correction (stats_correct) to them before done(), which adds samples to the
-- tail when a request takes over twice the mean interval; p99 can read a little higher than a raw measurement.

local ffi = require("ffi")
ffi.cdef [[
    typedef struct { long tv_sec; long tv_usec; } bench_timeval;
    int gettimeofday(bench_timeval *tv, void *tz);
    unsigned long pthread_self(void);
    int getpid(void);
    int kill(int pid, int sig);
]]

local tv = ffi.new("bench_timeval")
local function now_us()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

-- Main Lua state: number the threads, keep them for done().
local threads = {}
function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

-- Thread Lua states (globals so that done() can read them through thread:get).
mode, expected, sent, answered, ok, first, last, bad = nil, 0, 0, 0, 0, nil, nil, ""
local requests = {}
local counts_bad = {}
local init_thread, thread_count, done_dir
local path, expected_status

function init(args)
    mode, thread_count, done_dir = args[1], tonumber(args[3]), args[4]
    if mode ~= "once" and mode ~= "rotate" then error("MODE must be once or rotate, not " .. tostring(mode)) end
    path = mode == "once" and "/v1/submissions" or "/v1/verify"
    if args[5] ~= nil and args[5] ~= "" then path = path .. "?" .. args[5] end
    expected_status = mode == "once" and 201 or 200
    local lines = {}
    for line in io.lines(args[2]) do
        if line ~= "" then lines[#lines + 1] = line end
    end
    local from, to = 1, #lines
    if mode == "once" then
        from = math.floor(#lines * id / thread_count) + 1
        to = math.floor(#lines * (id + 1) / thread_count)
    end
    local headers = { ["Content-Type"] = "application/json" }
    for i = from, to do
        requests[#requests + 1] = wrk.format("POST", path, headers, lines[i])
    end
    expected = #requests
    if #requests == 0 then error("thread " .. id .. " has no bodies (" .. #lines .. " lines in " .. args[2] .. ")") end
    -- wrk calls request() once from the main OS thread before the run, to check the request parses: that call must
    -- neither consume a body nor start the clock.
    init_thread = ffi.C.pthread_self()
end

function request()
    if ffi.C.pthread_self() == init_thread then return requests[1] end
    if first == nil then first = now_us() end
    if mode == "rotate" then
        sent = sent + 1
        return requests[(sent + id) % #requests + 1]
    end
    if sent >= #requests then return "" end -- nothing left: this connection idles until the thread stops
    sent = sent + 1
    return requests[sent]
end

local function finish()
    local marker = io.open(done_dir .. "/" .. id, "w")
    marker:close()
    for i = 0, thread_count - 1 do
        local other = io.open(done_dir .. "/" .. i, "r")
        if other == nil then
            wrk.thread:stop()
            return
        end
        other:close()
    end
    -- Every thread is done (a thread that sees all markers wrote its own last): end wrk's -d sleep now.
    ffi.C.kill(ffi.C.getpid(), 2)
    wrk.thread:stop()
end

function response(status, headers, body)
    answered = answered + 1
    if status == expected_status and (mode == "once" or body:find('"verdict":"authentic"', 1, true)) then
        ok = ok + 1
        last = now_us()
    else
        local key = status == expected_status and (status .. "-not-authentic") or tostring(status)
        counts_bad[key] = (counts_bad[key] or 0) + 1
        local parts = {}
        for k, v in pairs(counts_bad) do parts[#parts + 1] = k .. "=" .. v end
        bad = table.concat(parts, ",")
    end
    if mode == "once" and answered == #requests then finish() end
end

function done(summary, latency, rates)
    local total_ok, total_expected, total_answered, from, to = 0, 0, 0, nil, nil
    local failures, bad_counts = {}, {}
    for _, thread in ipairs(threads) do
        local thread_ok, thread_first, thread_last = thread:get("ok"), thread:get("first"), thread:get("last")
        total_ok = total_ok + thread_ok
        total_answered = total_answered + thread:get("answered")
        total_expected = total_expected + thread:get("expected")
        if thread_first and (from == nil or thread_first < from) then from = thread_first end
        if thread_last and (to == nil or thread_last > to) then to = thread_last end
        for k, v in string.gmatch(thread:get("bad"), "([%w-]+)=(%d+)") do
            bad_counts[k] = (bad_counts[k] or 0) + tonumber(v)
        end
    end
    for k, v in pairs(bad_counts) do
        io.write(string.format("WRK_BAD %s %d\n", k, v))
        failures[#failures + 1] = v .. " answers " .. k
    end
    local mode_of_run = threads[1] and threads[1]:get("mode")
    if mode_of_run == "once" and total_answered < total_expected then
        failures[#failures + 1] = (total_expected - total_answered) .. " of " .. total_expected
            .. " bodies unanswered when wrk's -d cap ended the run"
    end
    local e = summary.errors
    if e.connect + e.read + e.write + e.timeout > 0 then
        failures[#failures + 1] = string.format("socket errors: connect %d, read %d, write %d, timeout %d",
            e.connect, e.read, e.write, e.timeout)
    end
    if total_ok == 0 then failures[#failures + 1] = "no counted answer" end
    local seconds = (from and to and to > from) and (to - from) / 1e6 or 0
    io.write(string.format("WRK_OK %d\n", total_ok))
    io.write(string.format("WRK_ANSWERED %d\n", total_answered))
    io.write(string.format("WRK_SECONDS %.3f\n", seconds))
    io.write(string.format("WRK_RATE %.1f\n", seconds > 0 and total_ok / seconds or 0))
    io.write(string.format("WRK_P50_MS %.2f\n", latency:percentile(50) / 1000))
    io.write(string.format("WRK_P99_MS %.2f\n", latency:percentile(99) / 1000))
    if #failures == 0 then
        io.write("WRK_VERDICT PASS\n")
    else
        io.write("WRK_VERDICT FAIL " .. table.concat(failures, "; ") .. "\n")
    end
end
