#include "api/balance_routes.h"

#include <map>

#include "api/lists.h"
#include "domain/money.h"
#include "json/writer.h"
#include "projections/ledger.h"

namespace payledger::api {
namespace {

using projections::kBalanceTransactionObject;

// available[] or pending[]: {amount, currency, source_types: {card}} per currency.
void write_funds(json::Writer& w, std::string_view name,
                 const std::map<std::string, std::int64_t>& by_currency) {
  w.key(name);
  w.begin_array();
  for (const auto& [currency, amount] : by_currency) {
    w.begin_object();
    w.number("amount", amount);
    w.text("currency", currency);
    w.key("source_types");
    w.begin_object();
    w.number("card", amount);
    w.end_object();
    w.end_object();
  }
  w.end_array();
}

Outcome retrieve_balance(ReadCall& call) {
  if (!call.query.empty()) {
    const std::string& name = call.query.begin()->first;
    return error_outcome(
        invalid_param(name, "parameter_unknown", "Received unknown parameter: " + name + "."));
  }
  auto totals = call.queries.account_totals(call.merchant.value);
  if (!totals) return error_outcome(storage_error(totals.error().to_string()));
  std::map<std::string, std::int64_t> available;
  std::map<std::string, std::int64_t> pending;
  for (const projections::AccountTotals& t : *totals) {
    if (t.account != projections::kMerchantBalanceAccount) continue;
    available[t.currency] = t.credits_minor - t.debits_minor;  // a liability: credit-normal
    pending[t.currency] = 0;  // funds are available at once (docs/ledger.md)
  }
  if (available.empty()) available["usd"] = pending["usd"] = 0;  // Stripe shows a zero balance
  json::Writer w;
  w.begin_object();
  w.text("object", "balance");
  write_funds(w, "available", available);
  w.key("connect_reserved");
  w.begin_array();
  w.end_array();
  w.flag("livemode", false);
  write_funds(w, "pending", pending);
  w.end_object();
  return Outcome{200, w.take(), {}};
}

Expected<projections::ListRequest, ApiError> parse_list(const ReadCall& call) {
  projections::ListRequest list;
  list.object = std::string(kBalanceTransactionObject);
  list.merchant = call.merchant.value;
  CreatedRange created;
  for (const auto& [name, value] : call.query) {
    auto listed = read_list_param(name, value, list, created);
    if (!listed) return Unexpected{listed.error()};
    if (*listed) continue;
    if (name == "currency" && !domain::Currency::parse(value)) {
      return Unexpected{invalid_param(name, "parameter_invalid",
                                      "currency must be a supported ISO 4217 code, lowercase.")};
    }
    if (name != "type" && name != "currency" && name != "source") {
      return Unexpected{
          invalid_param(name, "parameter_unknown", "Received unknown parameter: " + name + ".")};
    }
    list.filters[name] = value;
  }
  if (auto e = check_cursors(list)) return Unexpected{*e};
  if (created.any()) {
    list.accept = [created](const domain::Metadata& index) { return created.holds(index); };
  }
  return list;
}

Outcome list_balance_transactions(ReadCall& call) {
  auto list = parse_list(call);
  if (!list) return error_outcome(list.error());
  auto page = call.queries.list(*list);
  if (!page) return error_outcome(list_error(page.error()));
  return Outcome{
      200, list_json(*page, "/v1/balance_transactions", list->ending_before.has_value()), {}};
}

Outcome retrieve_balance_transaction(ReadCall& call) {
  return retrieve_document(call, std::string(kBalanceTransactionObject));
}

}  // namespace

void add_balance_routes(Routes& routes) {
  const std::string object(kBalanceTransactionObject);
  const std::string prefix(projections::kBalanceTransactionIdPrefix);
  routes.add_read({"/v1/balance", "/v1/balance", "balance", "", retrieve_balance});
  routes.add_read({"/v1/balance_transactions", "/v1/balance_transactions", object, "",
                   list_balance_transactions});
  routes.add_read({"/v1/balance_transactions/([^/]+)", "/v1/balance_transactions/:id", object,
                   prefix, retrieve_balance_transaction});
}

}  // namespace payledger::api
