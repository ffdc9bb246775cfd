-- GET of BENCH_PATH with the secret key (BENCH_KEY) as a Bearer token.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("wrk_report")
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or "/"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk_test_bench")
done = report.done
