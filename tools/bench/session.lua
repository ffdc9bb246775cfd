-- POST /v1/checkout/sessions (seed 004): a payment-mode session of one price (BENCH_PATH holds
-- its id), form-encoded as a client library sends it. Each creates its PaymentIntent too.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("wrk_report")
wrk.method = "POST"
wrk.path = "/v1/checkout/sessions"
wrk.body = "mode=payment&line_items[0][price]=" .. os.getenv("BENCH_PATH") ..
           "&line_items[0][quantity]=2&success_url=https%3A%2F%2Fshop.example%2Fok%3Fcs%3D%7BCHECKOUT_SESSION_ID%7D"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk_test_bench")
done = report.done
