#include "domain/money.h"

#include <algorithm>

#include "domain/assert.h"

namespace payledger::domain {
namespace {

// The ISO 4217 codes payledger settles in (the card networks' common set), sorted.
constexpr std::array<std::string_view, 139> kSupported = {
    "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt",
    "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf",
    "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb",
    "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg",
    "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "krw",
    "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk",
    "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr",
    "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub",
    "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl", "thb",
    "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw"};

constexpr std::array<std::string_view, 16> kZeroDecimal = {"bif", "clp", "djf", "gnf", "jpy", "kmf",
                                                           "krw", "mga", "pyg", "rwf", "ugx", "vnd",
                                                           "vuv", "xaf", "xof", "xpf"};

constexpr std::array<std::string_view, 5> kThreeDecimal = {"bhd", "jod", "kwd", "omr", "tnd"};

template <std::size_t N>
bool contains_sorted(const std::array<std::string_view, N>& list, std::string_view code) {
  return std::binary_search(list.begin(), list.end(), code);
}

}  // namespace

Amount Amount::of_minor(std::int64_t minor) {
  PL_ASSERT(minor >= 0 && minor <= kMaxAmountMinor, "amounts stay within 0..kMaxAmountMinor");
  Amount a;
  a.minor_ = minor;
  return a;
}

Amount Amount::plus(Amount other) const {
  PL_ASSERT(minor_ + other.minor_ <= kMaxAmountMinor, "sums are bounded by the intent amount");
  return of_minor(minor_ + other.minor_);
}

Amount Amount::minus(Amount other) const {
  PL_ASSERT(other.minor_ <= minor_, "money is never taken below zero");
  return of_minor(minor_ - other.minor_);
}

std::optional<Currency> Currency::parse(std::string_view code) {
  if (code.size() != 3 || !contains_sorted(kSupported, code)) return std::nullopt;
  Currency c;
  std::copy(code.begin(), code.end(), c.code_.begin());
  return c;
}

int Currency::minor_unit_digits() const {
  if (contains_sorted(kZeroDecimal, code())) return 0;
  if (contains_sorted(kThreeDecimal, code())) return 3;
  return 2;
}

}  // namespace payledger::domain
