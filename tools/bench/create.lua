-- POST /v1/payment_intents, form-encoded as Stripe's client libraries send it, so that every
-- peer (payledgerd, stripe-mock, localstripe) gets the same request.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("wrk_report")
wrk.method = "POST"
wrk.path = "/v1/payment_intents"
wrk.body = "amount=2000&currency=usd&metadata[order_ref]=bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk_test_bench")
done = report.done
