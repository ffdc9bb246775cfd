#include "webhooks/dispatcher.h"

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <spdlog/spdlog.h>

#include "contract/aggregate.h"
#include "domain/assert.h"
#include "eventstore/event_store.h"
#include "projections/view_store.h"
#include "webhooks/signature.h"
#include "webhooks/store.h"

namespace payledger::webhooks {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr auto kAgeReportInterval = std::chrono::seconds(5);
constexpr auto kRescanInterval = std::chrono::seconds(10);
// A delivery whose event or endpoint is not in the views yet (they are being rebuilt) waits
// this long.
constexpr std::int64_t kNotInViewsWaitSeconds = 5;

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

std::once_flag curl_initialized;

}  // namespace

// One attempt in flight: what curl reads from, and what its end is recorded with.
struct Dispatcher::Flight {
  Pending pending;
  std::string key;
  std::string body;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  std::chrono::steady_clock::time_point started;
  std::array<char, CURL_ERROR_SIZE> error{};
  ~Flight() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
  }
};

Dispatcher::Dispatcher(eventstore::Database& db, Directory& directory, const api::Clock& clock,
                       const DeliveryOptions& options, DeliveryObserver* observer)
    : db_(db), directory_(directory), clock_(clock), options_(options), observer_(observer) {
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  PL_ASSERT(multi_ != nullptr, "libcurl makes a multi handle");
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(options_.max_in_flight));
}

Dispatcher::~Dispatcher() {
  stop();
  for (auto& [easy, flight] : flights_) curl_multi_remove_handle(multi_, easy);
  flights_.clear();
  curl_multi_cleanup(multi_);
}

void Dispatcher::start() {
  load_queues();
  thread_ = std::thread([this] { run(); });
}

void Dispatcher::stop() {
  stopping_ = true;
  curl_multi_wakeup(multi_);
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::wake(const std::set<std::string>& endpoints, bool anywhere) {
  if (endpoints.empty()) return;
  {
    std::lock_guard lock(mu_);
    (anywhere ? woken_anywhere_ : woken_).insert(endpoints.begin(), endpoints.end());
  }
  curl_multi_wakeup(multi_);
}

void Dispatcher::watch(const std::string& pending_key) {
  std::lock_guard lock(mu_);
  watched_.insert(pending_key);
}

std::optional<std::string> Dispatcher::wait_attempt(const std::string& pending_key,
                                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  attempted_.wait_for(lock, timeout, [&] { return ended_.contains(pending_key); });
  watched_.erase(pending_key);
  auto it = ended_.find(pending_key);
  if (it == ended_.end()) return std::nullopt;
  std::string attempt = std::move(it->second);
  ended_.erase(it);
  return attempt;
}

// Every endpoint with a queue entry, found by jumping from one endpoint's entries to the next's.
void Dispatcher::load_queues() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), webhooks::webhooks_family(db_)));
  const std::string_view all = StoreKeys::kQueues;
  for (it->Seek(all); it->Valid() && it->key().starts_with(all);) {
    const std::string endpoint(StoreKeys::endpoint_of_queue_key(it->key().ToStringView()));
    queues_[endpoint].dirty = true;
    std::string next = StoreKeys::queue_prefix(endpoint);
    next.back() = '\1';  // just past every key of this endpoint
    it->Seek(next);
  }
  std::string n;
  if (db_.db()
          ->Get(rocksdb::ReadOptions(), webhooks::webhooks_family(db_), StoreKeys::kNextAttempt, &n)
          .ok() &&
      n.size() == 8) {
    next_attempt_ = eventstore::get_be64(n.data());
  }
}

void Dispatcher::take_woken() {
  std::set<std::string> woken;
  std::set<std::string> anywhere;
  {
    std::lock_guard lock(mu_);
    woken.swap(woken_);
    anywhere.swap(woken_anywhere_);
  }
  for (const std::string& endpoint : woken) queues_[endpoint].dirty = true;
  for (const std::string& endpoint : anywhere) queues_[endpoint].rescan();
}

int Dispatcher::share() const {
  const auto busy = std::count_if(queues_.begin(), queues_.end(), [](const auto& entry) {
    return entry.second.in_flight > 0 || entry.second.dirty;
  });
  return std::clamp(options_.shared_in_flight / std::max<int>(1, static_cast<int>(busy)), 1,
                    options_.max_in_flight_per_endpoint);
}

void Dispatcher::run() {
  while (!stopping_) {
    take_woken();
    const std::int64_t now = clock_.now().value;
    if (std::chrono::steady_clock::now() - rescanned_ > kRescanInterval) {
      // Whatever a clock set back may have queued before `resume` is found this way.
      for (auto& [endpoint, q] : queues_) q.rescan();
      rescanned_ = std::chrono::steady_clock::now();
    }
    rocksdb::WriteBatch batch;
    const int share = this->share();
    std::unique_ptr<rocksdb::Iterator> reader;  // one per turn, made when a queue is looked at
    for (auto it = queues_.begin(); it != queues_.end();) {
      Queue& q = it->second;
      if (q.next_due <= now) q.rescan();  // a retry came due: it may sort before `resume`
      if (q.dirty && q.in_flight < share) {
        if (!reader)
          reader.reset(
              db_.db()->NewIterator(rocksdb::ReadOptions(), webhooks::webhooks_family(db_)));
        fill(it->first, q, now, *reader, batch);
      }
      // An idle queue is kept: its `resume` spares the next look the keys deleted behind it.
      ++it;
    }
    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
      if (m->msg == CURLMSG_DONE) finish(m->easy_handle, m->data.result, now, batch);
    }
    commit(batch);
    report_ages(now);
    // A queue with room and deliveries left goes on at once; else wait for a socket's
    // activity, a wake(), or at the latest for the clock to make a retry due.
    const bool more = std::any_of(queues_.begin(), queues_.end(), [&](const auto& entry) {
      return entry.second.dirty && entry.second.in_flight < share &&
             flights_.size() < static_cast<std::size_t>(options_.max_in_flight);
    });
    curl_multi_poll(multi_, nullptr, 0, more ? 0 : flights_.empty() ? 200 : 50, nullptr);
  }
}

// Starts the endpoint's due deliveries, as many as its connections allow.
void Dispatcher::fill(const std::string& endpoint, Queue& q, std::int64_t now,
                      rocksdb::Iterator& it, rocksdb::WriteBatch& batch) {
  q.dirty = false;
  q.next_due = kNever;
  const std::string prefix = StoreKeys::queue_prefix(endpoint);
  for (it.Seek(q.resume.empty() ? prefix : q.resume); it.Valid() && it.key().starts_with(prefix);
       it.Next()) {
    std::string key = it.key().ToString();
    if (q.flying.contains(key)) continue;
    auto p = Pending::parse(key, it.value().ToStringView());
    if (!p) {  // one bad entry never stops the others
      spdlog::error("webhooks: dropping a queue entry: {}", p.error().to_string());
      batch.Delete(webhooks::webhooks_family(db_), key);
      continue;
    }
    if (p->due_at > now) {
      q.next_due = std::min(q.next_due, p->due_at);
      break;
    }
    if (q.in_flight >= share() ||
        flights_.size() >= static_cast<std::size_t>(options_.max_in_flight)) {
      q.dirty = true;  // more is due: look again when a connection frees
      break;
    }
    q.resume = key + '\0';
    put_off_until_ = kNever;
    const bool started = launch(std::move(*p), key, now, batch);
    q.next_due = std::min(q.next_due, put_off_until_);
    if (started) {
      ++q.in_flight;
      q.flying.insert(std::move(key));
    }
  }
  if (!it.status().ok()) {
    spdlog::error("webhooks: reading the queue of {}: {}", endpoint, it.status().ToString());
    q.rescan();
  }
}

// Starts one attempt. Returns false when none was started (the delivery was dropped, put off,
// or concluded without a request).
bool Dispatcher::launch(Pending p, std::string key, std::int64_t now, rocksdb::WriteBatch& batch) {
  auto found = directory_.endpoint(p.endpoint);
  if (!found) {
    spdlog::error("webhooks: endpoint {}: {}", p.endpoint, found.error().to_string());
    return false;
  }
  const EndpointRef& e = *found;
  auto put_off = [&](std::int64_t seconds) {
    batch.Delete(webhooks::webhooks_family(db_), key);
    p.due_at = now + seconds;
    batch.Put(webhooks::webhooks_family(db_), p.key(),
              p.value());  // sorts after `resume`: a later due time
    put_off_until_ = std::min(put_off_until_, p.due_at);
  };
  if (!e) {  // not in the views (yet: they may be being rebuilt)
    put_off(kNotInViewsWaitSeconds);
    return false;
  }
  if (e->deleted) {  // nothing more goes to a deleted endpoint
    batch.Delete(webhooks::webhooks_family(db_), key);
    return false;
  }
  if (e->disabled) {
    put_off(options_.disabled_recheck_seconds);
    return false;
  }
  auto flight = std::make_unique<Flight>();
  const std::string event_key =
      projections::ViewKeys::object(contract::kEventObject, p.merchant, p.event_id);
  if (!db_.db()
           ->Get(rocksdb::ReadOptions(), projections::views_family(db_), event_key, &flight->body)
           .ok()) {
    put_off(kNotInViewsWaitSeconds);
    return false;
  }
  if (e->secret.empty()) {  // the server's secret file is not the one that sealed it
    spdlog::error(
        "webhooks: the signing secret of {} cannot be unsealed (another --secret-file?); "
        "its deliveries wait",
        e->id);
    put_off(options_.disabled_recheck_seconds);
    return false;
  }
  flight->pending = std::move(p);
  flight->key = std::move(key);
  const std::string signature = stripe_signature(e->secret, now, flight->body);
  for (const std::string& h : {std::string("Content-Type: application/json; charset=utf-8"),
                               "Stripe-Signature: " + signature,
                               "User-Agent: " + options_.user_agent, std::string("Expect:")}) {
    flight->headers = curl_slist_append(flight->headers, h.c_str());
  }
  CURL* easy = curl_easy_init();
  PL_ASSERT(easy != nullptr, "libcurl makes an easy handle");
  flight->easy = easy;
  curl_easy_setopt(easy, CURLOPT_URL, e->url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, flight->body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(flight->body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, flight->headers);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.attempt_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, flight->error.data());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, flight.get());
  flight->started = std::chrono::steady_clock::now();
  curl_multi_add_handle(multi_, easy);
  flights_.emplace(easy, std::move(flight));
  return true;
}

void Dispatcher::finish(CURL* easy, CURLcode result, std::int64_t now, rocksdb::WriteBatch& batch) {
  auto node = flights_.extract(easy);
  PL_ASSERT(!node.empty(), "curl ends only transfers the dispatcher started");
  std::unique_ptr<Flight> flight = std::move(node.mapped());
  curl_multi_remove_handle(multi_, easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  const bool ok = result == CURLE_OK && status >= 200 && status < 300;
  std::string error;
  if (result != CURLE_OK) {
    error =
        flight->error[0] != '\0' ? std::string(flight->error.data()) : curl_easy_strerror(result);
  } else if (!ok) {
    error = "the endpoint answered HTTP " + std::to_string(status);
  }
  const auto elapsed = std::chrono::steady_clock::now() - flight->started;
  const std::string endpoint = flight->pending.endpoint;
  batch.Delete(webhooks::webhooks_family(db_), flight->key);
  Attempt a = conclude(std::move(flight->pending), static_cast<int>(status), error, ok, now, batch);
  a.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  batch.Put(webhooks::webhooks_family(db_), a.key(), a.json(directory_.endpoint_object()));
  if (observer_ != nullptr) {
    observer_->attempted(a.outcome, std::chrono::duration<double>(elapsed).count());
  }
  // The queue was left dirty if more waited when it was filled; a retry is due at its time.
  Queue& q = queues_[endpoint];
  --q.in_flight;
  q.flying.erase(flight->key);
  if (a.next_attempt_at) {
    q.next_due = std::min(q.next_due, *a.next_attempt_at);
    if (*a.next_attempt_at <= now) q.rescan();  // again at once: it may sort before `resume`
  }
  ended_in_turn_.emplace_back(flight->key, a.json(directory_.endpoint_object()));
}

// The attempt's record, and what becomes of its delivery: done, due again, or failed. The
// caller has removed the delivery's queue entry.
Attempt Dispatcher::conclude(Pending p, int status_code, const std::string& error, bool ok,
                             std::int64_t now, rocksdb::WriteBatch& batch) {
  Attempt a;
  a.number = next_attempt_++;
  a.endpoint = p.endpoint;
  a.event_id = p.event_id;
  a.type = p.type;
  a.created = now;
  a.attempt = p.attempts + 1;
  a.manual = p.manual;
  a.status_code = status_code;
  a.error = error;
  const auto retries = options_.retry_after_seconds.size();
  if (ok || p.manual || static_cast<std::size_t>(p.attempts) >= retries) {
    a.outcome = ok ? "succeeded" : "failed";
  } else {
    a.outcome = "retrying";
    p.due_at = now + options_.retry_after_seconds[static_cast<std::size_t>(p.attempts)];
    p.attempts += 1;
    a.next_attempt_at = p.due_at;
    batch.Put(webhooks::webhooks_family(db_), p.key(), p.value());
  }
  batch.Put(webhooks::webhooks_family(db_), a.key(), a.json(directory_.endpoint_object()));
  std::string n;
  eventstore::put_be64(n, next_attempt_);
  batch.Put(webhooks::webhooks_family(db_), StoreKeys::kNextAttempt, n);
  return a;
}

// Writes the turn's ends (not synced: they survive a crash of the process; a power cut may
// forget the last ones, whose events are then sent again) and tells whoever waits for them.
void Dispatcher::commit(rocksdb::WriteBatch& batch) {
  if (batch.Count() > 0) {
    const rocksdb::Status s = db_.db()->Write(rocksdb::WriteOptions(), &batch);
    if (!s.ok()) {
      // The queue entries stay as they were: the deliveries are attempted again.
      spdlog::error("webhooks: recording attempts: {}", s.ToString());
      ended_in_turn_.clear();
      return;
    }
  }
  if (ended_in_turn_.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, attempt] : ended_in_turn_) {
      if (watched_.contains(key)) ended_[key] = std::move(attempt);
    }
  }
  ended_in_turn_.clear();
  attempted_.notify_all();
}

// The age of the oldest event among the first deliveries of each queue (the queue is ordered by
// due time, and the oldest events are due first but for those put off by failures).
void Dispatcher::report_ages(std::int64_t now) {
  if (observer_ == nullptr) return;
  const auto t = std::chrono::steady_clock::now();
  if (t - ages_reported_ < kAgeReportInterval) return;
  ages_reported_ = t;
  constexpr int kLooked = 64;
  std::set<std::string> aged;
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), webhooks::webhooks_family(db_)));
  for (const auto& [endpoint, q] : queues_) {
    const std::string prefix = StoreKeys::queue_prefix(endpoint);
    std::int64_t oldest = now;
    int looked = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && looked < kLooked;
         it->Next(), ++looked) {
      if (auto p = Pending::parse(it->key().ToStringView(), it->value().ToStringView())) {
        oldest = std::min(oldest, p->first_at);
      }
    }
    if (looked == 0) continue;
    observer_->oldest_pending(endpoint, static_cast<double>(now - oldest));
    aged.insert(endpoint);
  }
  for (const std::string& endpoint : aged_) {
    if (!aged.contains(endpoint)) observer_->oldest_pending(endpoint, 0);
  }
  aged_ = std::move(aged);
}

}  // namespace payledger::webhooks
