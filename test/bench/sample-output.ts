/**
 * What the benches printed on the reference machine (`node dist/bench/main.js`, copied verbatim;
 * the daemon-rss lines are written from its format strings), for the parser's tests.
 */

/** adapter, validate (3 rounds), plan, plan-observe, apply, daemon, …, dashboard, in the runner's order. */
export const SAMPLE_OUTPUT = `== adapter
adapter GET /dedicated/server/{sn} request budget 10,000,000/min: not the bottleneck; simulator without faults, 12 servers
adapter GET /dedicated/server/{sn} sequential: 500 requests in 1.18 s: 422 req/s, p50 1.49 ms, p99 14.44 ms
adapter GET /dedicated/server/{sn} concurrency 16: 3000 requests in 2.26 s: 1325 req/s, p50 8.92 ms, p99 43.92 ms
== validate
validate-bench: 10000 specs with storage and a {file} reference, schema server.schema.json generated from the simulator's catalog; 3 rounds, whole processes, same files, same schema
  round 1
    ajv-cli 5 (js-yaml, no positions)            : 7606 ms, 1315 specs/s, exit 0, peak RSS 88 MB
    ovh-fleet validate, empty state dir (compiles): 9186 ms, 1089 specs/s, exit 0, peak RSS 162 MB
    ovh-fleet validate, compiled schemas kept     : 7978 ms, 1253 specs/s, exit 0, peak RSS 158 MB
    of which CLI start-up alone (node dist/cli/main.js --version, every command's modules): 701 ms
    in-process: compile 1557 ms + cold readFleet = 6546 ms (10000 files, 0 errors); warm re-validation of the unchanged files: 248, 155, 273 ms (0 errors); peak RSS 161 MB
    ratio ovh-fleet / ajv-cli throughput: 0.83 compiling, 0.95 with compiled schemas kept
  round 2
    ajv-cli 5 (js-yaml, no positions)            : 3601 ms, 2777 specs/s, exit 0, peak RSS 90 MB
    ovh-fleet validate, empty state dir (compiles): 6818 ms, 1467 specs/s, exit 0, peak RSS 166 MB
    ovh-fleet validate, compiled schemas kept     : 5650 ms, 1770 specs/s, exit 0, peak RSS 162 MB
    of which CLI start-up alone (node dist/cli/main.js --version, every command's modules): 289 ms
    in-process: compile 1646 ms + cold readFleet = 5201 ms (10000 files, 0 errors); warm re-validation of the unchanged files: 151, 241, 273 ms (0 errors); peak RSS 154 MB
    ratio ovh-fleet / ajv-cli throughput: 0.53 compiling, 0.64 with compiled schemas kept
  round 3
    ajv-cli 5 (js-yaml, no positions)            : 6663 ms, 1501 specs/s, exit 0, peak RSS 90 MB
    ovh-fleet validate, empty state dir (compiles): 10818 ms, 924 specs/s, exit 0, peak RSS 162 MB
    ovh-fleet validate, compiled schemas kept     : 7840 ms, 1276 specs/s, exit 0, peak RSS 157 MB
    of which CLI start-up alone (node dist/cli/main.js --version, every command's modules): 756 ms
    in-process: compile 1945 ms + cold readFleet = 9275 ms (10000 files, 0 errors); warm re-validation of the unchanged files: 514, 256, 377 ms (0 errors); peak RSS 154 MB
    ratio ovh-fleet / ajv-cli throughput: 0.62 compiling, 0.85 with compiled schemas kept
  median of 3: ovh-fleet 1089 specs/s compiling, 1276 specs/s with compiled schemas kept; first warm re-validation 248 ms (goal < 200 ms)
  median ajv-cli 1501 specs/s; ratio 0.73 compiling, 0.85 with compiled schemas kept (goal >= 1)
== plan
makePlan, 10,000 servers: 811.3 ms per plan (goal < 1000 ms)
== plan-observe
plan-observe cold: 653 servers (587 unchanged, 66 reinstalls wanted, 0 invalid), 1440 API calls = 2.21 per server (listServers 1, listTemplateInfos 1, getServer 653, listTasks 653, getHardware 66, getCompatibleTemplates 66), 0 reused, 7.42 s
plan-observe warm: 653 servers (587 unchanged, 66 reinstalls wanted, 0 invalid), 132 API calls = 0.20 per server (getServer 66, listTasks 66), 587 reused, 1.78 s
plan-observe: request budget 10,000,000/min (not the bottleneck); at the default 60/min the cold run would take ~24 min
== apply
apply: 1000 reinstalls (1000 done), maxConcurrent 50, sim speed 150 (task 4433 ms), request budget 10000000/min (not the bottleneck)
apply: measured 100.27 s, ideal 88.66 s, efficiency 0.88 (goal >= 0.9)
apply: ideal = ceil(1000 / 50) waves x 4433 ms task life
apply: 13456 API calls, 13.5 per reinstall (GET {s}/task/{id} 7.45, GET {s} 2.00, GET /auth/time 1.00, GET {s}/task 1.00, GET {s}/install/compatibleTemplates 1.00, POST {s}/reinstall 1.00, GET /dedicated/installationTemplate/templateInfos 0.00); 146 TLS connections opened; peak RSS 168 MiB
== daemon
daemon: push -> reinstall POST via webhook: median 6722 ms over 5 runs (6722, 4557, 3309, 8300, 9657 ms)
daemon: 10,000 status records + FLEET.md in memory: heap +33.9 MiB, rss 173 MiB (texts 10000, FLEET.md 1240 KiB; a proxy: the real daemon process's RSS over two 10,000-server cycles is bench daemon-rss)
daemon: status for 1,000 changed servers: serialize 177 ms, commit + push 11347 ms
== steady-cycle
steady-cycle: steady cycle 1: 2277 ms (cpu of this process 1854 ms), nothing written; steps (ms): fetch 412, verify 0, load 473, observe 574, validate 187, plan 472, apply 1, record 158; API calls 0: none
steady-cycle: steady cycle, nothing changed, 10000 servers: median 2218 ms over 5 (goal < 2000 ms)
steady-cycle: steady state over 16 min of daemon clock (a cycle every 2 min, 8 cycles, 20 s of real time): 20001 calls (per cycle: 0, 0, 0, 0, 0, 0, 1, 20000) = 75004 calls/hour; by endpoint: 10000 GET /dedicated/server/{serviceName}, 10000 GET /dedicated/server/{serviceName}/task, 1 GET /dedicated/server
== verify-ready
verify-ready: default timings: initialDelay 0.0 s, interval 15.0 s, timeout 5.0 s, successes 1, failureLimit 3, deadline 1800.0 s; probes ssh + http
verify-ready: the servers here answer 0 to 153.0 s after done (10.2 intervals; rounds before a server answers count only toward the deadline, not toward failureLimit)
verify-ready:   ns5085137.ip-144-217-56.net: answers 0.0 s after done, ready 0.1 s after done, 0.1 s after answering (or the first round)
verify-ready: done → ready (10 servers): median 75.2 s, p95 165.3 s
verify-ready: server answers → ready: median 7.2 s, p95 14.2 s (0.5 and 0.9 intervals); measured as ready - max(answers, done + initialDelay); goal: ready one interval (15.0 s) after the server answers, p95 within it: PASS
verify-ready: OVHcloud API calls during verification: 10 GET /dedicated/server/{serviceName}
verify-ready: allowance: one GET /dedicated/server/{sn} per server (10), nothing else: 10 calls (10 GET of 10 servers, 0 other): PASS
== dashboard
dashboard: first render of 10000 servers in Chromium (navigation start to "10000 of 10000 servers shown"): median 925 ms of 5 runs (each 2160, 1613, 925, 916, 912 ms; page received 14 ms, DOMContentLoaded 264 ms); goal under 1 s: PASS
dashboard: filter of 10000 servers in Chromium (input to next frame, median of 5 rounds): "srv-0123" 17.0 ms, "install-failed" 13.4 ms, "rocky9" 13.6 ms, "no-such-server" 12.3 ms, cleared 6.0 ms; slowest 17.0 ms; goal under 200 ms: PASS
dashboard: daemon with 2000 servers (1798 imported specs, 202 protected), started as systemd/ovh-fleet.service starts it, a full cycle every 10 s; VmRSS median of 9 readings: before 125.5 MiB (after 3 cycles, no dashboard; 124.9 MiB–127.4 MiB), with 5 dashboards open through cycle 6 128.4 MiB (127.2 MiB–128.6 MiB; opened in 15.5 s); extra 3.0 MiB; goal under 20 MB (19.1 MiB): PASS
`;

/** daemon-rss (named alone), with the lines its format strings print. */
export const SAMPLE_DAEMON_RSS = `== daemon-rss
daemon-rss: cycle 1: ok in 41.2 s, 10000 servers in /api/status (adopted 9046, protected 954); daemon VmRSS at its end 151 MiB
daemon-rss: cycle 2: ok in 38.7 s, 10000 servers in /api/status (in-sync 9046, protected 954); daemon VmRSS at its end 149 MiB
daemon-rss: daemon peak: VmHWM 183 MiB, highest VmRSS sampled every 200 ms 180 MiB (goal < 200 MB = 191 MiB; the simulator's memory is not counted; includes serving GET /api/status after each cycle)
`;
