-- POST /v1/payments (seed 002): a Direct API payment with a raw test card that the test network
-- approves, form-encoded as a client library sends it. Each payment is then processed by the
-- sweeper in the background (a second append), as in production.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("wrk_report")
wrk.method = "POST"
wrk.path = "/v1/payments"
wrk.body = "amount=2000&currency=eur&card[number]=4242424242424242&card[exp_month]=12" ..
           "&card[exp_year]=2034&card[cvc]=123&metadata[order_ref]=bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk_test_bench")
done = report.done
