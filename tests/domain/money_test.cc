#include <doctest/doctest.h>

#include "domain/money.h"

using namespace payledger::domain;

TEST_CASE("amounts are chargeable from 1 to 99,999,999 minor units") {
  CHECK_FALSE(Amount::chargeable(0));
  CHECK_FALSE(Amount::chargeable(-1));
  CHECK(Amount::chargeable(1));
  CHECK(Amount::chargeable(99'999'999));
  CHECK_FALSE(Amount::chargeable(100'000'000));
  CHECK_FALSE(Amount::chargeable(INT64_MAX));
}

TEST_CASE("amount arithmetic stays in range") {
  const Amount a = Amount::of_minor(700);
  CHECK(a.plus(Amount::of_minor(300)).minor() == 1000);
  CHECK(a.minus(Amount::of_minor(700)).minor() == 0);
}

TEST_CASE("currencies are lowercase ISO 4217 codes that payledger supports") {
  CHECK(Currency::parse("usd").has_value());
  CHECK(Currency::parse("jpy").has_value());
  CHECK_FALSE(Currency::parse("USD").has_value());
  CHECK_FALSE(Currency::parse("us").has_value());
  CHECK_FALSE(Currency::parse("xyz").has_value());
  CHECK_FALSE(Currency::parse("").has_value());
  CHECK(Currency::parse("usd")->code() == "usd");
}

TEST_CASE("zero- and three-decimal currencies are known") {
  CHECK(Currency::parse("jpy")->minor_unit_digits() == 0);
  CHECK(Currency::parse("krw")->minor_unit_digits() == 0);
  CHECK(Currency::parse("usd")->minor_unit_digits() == 2);
  CHECK(Currency::parse("eur")->minor_unit_digits() == 2);
  CHECK(Currency::parse("kwd")->minor_unit_digits() == 3);
}
