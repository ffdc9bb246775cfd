// The whole API as a merchant's Node code sees it: Stripe's Node SDK (pinned by
// tests/webhooks/setup.sh) with its default settings but the base URL (host, port, http),
// against the payledgerd binary on a fresh data dir. PaymentIntents (create, update, retrieve,
// confirm, capture, cancel, lists auto-paginated three ways), refunds, customers, products,
// prices, Checkout Sessions (line items paged, expire), the Events list (auto-paginated, by
// type), a webhook endpoint whose real deliveries stripe.webhooks.constructEvent verifies (and
// refuses when tampered or signed with another secret), the SDK's own retries after a dropped
// connection (a proxy here closes the connection after payledgerd answered; the retry carries
// the same Idempotency-Key and gets the same object), and each error class with its fields.
//
// Every check expects what Stripe answers, except where docs/api.md documents payledger's own
// choice (the seeds win over Stripe): those checks say so and cite the section. A failed check
// is recorded and the suite goes on, so a run lists every difference; it ends with a one-line
// summary and the exit status is 1 if any check failed.
//
// Usage: node node_sdk_test.js PAYLEDGERD NODE_DIR (NODE_DIR holds node_modules/stripe).
'use strict';
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const [binary, nodeDir] = process.argv.slice(2);
const Stripe = require(path.join(nodeDir, 'node_modules', 'stripe'));
const KEY = 'sk_test_browser_0000001';

const FAILED = [];
let PASSED = 0;
function expect(condition, what, got) {
  if (condition) {
    PASSED += 1;
    console.log('ok:', what);
  } else {
    const line = what + (got === undefined ? '' : ` (got ${JSON.stringify(got)})`);
    console.log('FAIL:', line);
    FAILED.push(line);
  }
  return condition;
}

async function section(name, fn) {
  console.log(`--- ${name}`);
  try {
    return await fn();
  } catch (e) {
    console.log(e && e.stack);
    FAILED.push(`${name}: ${e && e.type ? e.type + ': ' : ''}${e && e.message}`);
    console.log(`FAIL: ${name} threw ${e && e.message}`);
    return undefined;
  }
}

// Awaits `promise`, which must reject with an error of class `cls`; returns the error or null.
async function rejects(cls, promise) {
  try {
    await promise;
  } catch (e) {
    if (e instanceof cls) return e;
    expect(false, `${cls.name} thrown`, `${e.type} ${e.statusCode} ${JSON.stringify(e.raw)}`);
    return null;
  }
  expect(false, `${cls.name} thrown`, 'no error');
  return null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const ids = (list) => list.map((x) => x.id);

// What the suite did, for the Events check: "type object_id" -> count, in Stripe's names.
const EXPECTED_EVENTS = new Map();
const PAYMENT_INTENTS = []; // every PaymentIntent the suite made, oldest first
const SESSION_INTENTS = new Set(); // made by payledger with a Checkout Session (Stripe: none)
function happened(type, id) {
  const k = `${type} ${id}`;
  EXPECTED_EVENTS.set(k, (EXPECTED_EVENTS.get(k) || 0) + 1);
}
function madeIntent(pi) {
  PAYMENT_INTENTS.push(pi.id);
  happened('payment_intent.created', pi.id);
}

// The PaymentIntent's latest charge, as Stripe's SDK user reads it (latest_charge); when the
// answer lacks it, noted (checked once, at the end) and found through the charges list.
const LATEST_CHARGE_MISSING = [];
async function chargeOf(stripe, pi) {
  if (typeof pi.latest_charge === 'string' && pi.latest_charge.startsWith('ch_')) {
    return stripe.charges.retrieve(pi.latest_charge);
  }
  LATEST_CHARGE_MISSING.push(pi.id);
  const list = await stripe.charges.list({payment_intent: pi.id});
  return list.data[0] || null;
}

function startPayledgerd(dir) {
  return new Promise((resolve, reject) => {
    const logPath = path.join(dir, 'payledgerd.log');
    const log = fs.openSync(logPath, 'w+');
    const proc = childProcess.spawn(binary, ['--data-dir', path.join(dir, 'db'), '--listen',
      '127.0.0.1:0', '--bootstrap-key', KEY], {stdio: ['ignore', log, log]});
    const deadline = Date.now() + 60000;
    const poll = () => {
      const m = /listening on [\d.]+:(\d+)/.exec(fs.readFileSync(logPath, 'utf8'));
      if (m) return resolve({proc, port: Number(m[1])});
      if (proc.exitCode !== null) return reject(new Error('payledgerd exited before listening'));
      if (Date.now() > deadline) return reject(new Error('payledgerd did not start'));
      setTimeout(poll, 50);
    };
    poll();
  });
}

// --- PaymentIntents -------------------------------------------------------------------------

async function paymentIntents(stripe) {
  const pi = await stripe.paymentIntents.create({amount: 2000, currency: 'usd',
    description: 'sdk suite', metadata: {order_ref: 'A-1'}});
  madeIntent(pi);
  expect(pi.object === 'payment_intent' && pi.id.startsWith('pi_'), 'create: a pi_ object');
  expect(pi.status === 'requires_payment_method', 'create: requires_payment_method', pi.status);
  expect(pi.amount === 2000 && pi.currency === 'usd' && pi.metadata.order_ref === 'A-1',
    'create: amount, currency, metadata');
  expect(pi.client_secret.startsWith(`${pi.id}_secret_`), 'create: client_secret');
  expect(pi.livemode === false && Number.isInteger(pi.created), 'create: livemode, created');

  const up = await stripe.paymentIntents.update(pi.id, {amount: 2500, description: 'changed',
    metadata: {step: '2'}});
  expect(up.amount === 2500 && up.description === 'changed', 'update: amount, description');
  expect(same(up.metadata, {order_ref: 'A-1', step: '2'}), 'update: metadata merged',
    up.metadata);
  const got = await stripe.paymentIntents.retrieve(pi.id);
  expect(got.id === pi.id && got.amount === 2500, 'retrieve: the updated intent');

  const done = await stripe.paymentIntents.confirm(pi.id, {payment_method: 'pm_card_visa'});
  happened('payment_intent.succeeded', pi.id);
  expect(done.status === 'succeeded', 'confirm pm_card_visa: succeeded', done.status);
  expect(done.amount_received === 2500 && done.amount_capturable === 0,
    'confirm: amount_received 2500');
  expect(typeof done.payment_method === 'string' && done.payment_method.startsWith('pm_'),
    'confirm: payment_method is a pm_ id', done.payment_method);
  const ch = await chargeOf(stripe, done);
  if (ch) {
    happened('charge.succeeded', ch.id);
    expect(ch.object === 'charge' && ch.amount === 2500 && ch.captured === true &&
      ch.status === 'succeeded' && ch.payment_intent === pi.id,
    'the charge: captured, succeeded', [ch.captured, ch.status]);
    expect(ch.paid === true, 'the charge: paid', String(ch.paid));
  }
  const again = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.paymentIntents.confirm(pi.id, {payment_method: 'pm_card_visa'}));
  if (again) {
    expect(again.code === 'payment_intent_unexpected_state',
      'confirm of a succeeded intent: payment_intent_unexpected_state', again.code);
  }

  // Manual capture, in part.
  const m = await stripe.paymentIntents.create({amount: 5000, currency: 'eur',
    capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true});
  madeIntent(m);
  happened('payment_intent.amount_capturable_updated', m.id);
  expect(m.status === 'requires_capture', 'manual: requires_capture', m.status);
  expect(m.amount_capturable === 5000 && m.amount_received === 0,
    'manual: amount_capturable 5000, received 0');
  let mch = await chargeOf(stripe, m);
  if (mch) {
    happened('charge.succeeded', mch.id);
    expect(mch.captured === false && mch.status === 'succeeded',
      'manual: the charge is authorized, not captured');
  }
  const cap = await stripe.paymentIntents.capture(m.id, {amount_to_capture: 3000});
  happened('payment_intent.succeeded', m.id);
  if (mch) happened('charge.captured', mch.id);
  expect(cap.status === 'succeeded' && cap.amount_received === 3000 &&
    cap.amount_capturable === 0, 'capture 3000 of 5000: succeeded, received 3000',
  [cap.status, cap.amount_received, cap.amount_capturable]);
  if (mch) {
    mch = await stripe.charges.retrieve(mch.id);
    expect(mch.captured === true && mch.amount_captured === 3000, 'the charge: captured 3000');
  }

  // Cancel: an authorization (released) and an intent never confirmed.
  const a = await stripe.paymentIntents.create({amount: 1500, currency: 'usd',
    capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true});
  madeIntent(a);
  happened('payment_intent.amount_capturable_updated', a.id);
  happened('payment_intent.canceled', a.id);
  const ach = await chargeOf(stripe, a);
  if (ach) happened('charge.succeeded', ach.id);
  const canceled = await stripe.paymentIntents.cancel(a.id,
    {cancellation_reason: 'requested_by_customer'});
  expect(canceled.status === 'canceled' &&
    canceled.cancellation_reason === 'requested_by_customer' &&
    Number.isInteger(canceled.canceled_at), 'cancel an authorization: canceled, reason, time');
  expect(canceled.amount_capturable === 0, 'cancel: amount_capturable 0');
  const b = await stripe.paymentIntents.create({amount: 700, currency: 'usd'});
  madeIntent(b);
  happened('payment_intent.canceled', b.id);
  const cb = await stripe.paymentIntents.cancel(b.id, {cancellation_reason: 'abandoned'});
  expect(cb.status === 'canceled' && cb.cancellation_reason === 'abandoned',
    'cancel an unconfirmed intent');
  const twice = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.paymentIntents.cancel(b.id));
  if (twice) {
    expect(twice.statusCode === 400 && twice.code === 'payment_intent_unexpected_state',
      'cancel twice: 400 payment_intent_unexpected_state', [twice.statusCode, twice.code]);
  }
}

async function pagination(stripe) {
  const before = ids(await stripe.paymentIntents.list({limit: 100})
    .autoPagingToArray({limit: 10000}));
  const batch = [];
  for (let i = 0; i < 25; i++) {
    const pi = await stripe.paymentIntents.create({amount: 100 + i, currency: 'usd',
      metadata: {batch: 'paging', i: String(i)}});
    madeIntent(pi);
    batch.push(pi.id);
  }
  const expected = [...batch].reverse().concat(before);
  const first = await stripe.paymentIntents.list({limit: 10});
  expect(first.data.length === 10 && first.has_more === true, 'the first page: 10, has_more');
  expect(first.url === '/v1/payment_intents', "the list's url", first.url);
  const each = [];
  await stripe.paymentIntents.list({limit: 10}).autoPagingEach((pi) => {
    each.push(pi.id);
  });
  expect(new Set(each).size === each.length, 'autoPagingEach (limit=10): no intent twice');
  expect(same(each, expected), `autoPagingEach: all ${expected.length} intents, newest first`,
    each.length);
  const iterated = [];
  for await (const pi of stripe.paymentIntents.list({limit: 10})) iterated.push(pi.id);
  expect(same(iterated, expected), 'for await: the same intents in the same order');
  const arr = ids(await stripe.paymentIntents.list({limit: 10}).autoPagingToArray({limit: 1000}));
  expect(same(arr, expected), 'autoPagingToArray: the same');
  // Backwards from the oldest of the batch: the SDK walks ending_before, oldest first.
  const back = [];
  await stripe.paymentIntents.list({limit: 10, ending_before: batch[0]})
    .autoPagingEach((pi) => {
      back.push(pi.id);
    });
  expect(same(back, batch.slice(1)), 'ending_before auto-pagination: the 24 newer, oldest first',
    back.slice(0, 3));
  // autoPagingEach stops when the callback returns false.
  let n = 0;
  await stripe.paymentIntents.list({limit: 10}).autoPagingEach(() => {
    n += 1;
    return n < 12 ? undefined : false;
  });
  expect(n === 12, 'autoPagingEach stops on false', n);
  // A list with a filter: the customer's intents.
  const cus = await stripe.customers.create({email: 'paging@example.com'});
  happened('customer.created', cus.id);
  const mine = [];
  for (let i = 0; i < 3; i++) {
    const pi = await stripe.paymentIntents.create({amount: 300 + i, currency: 'usd',
      customer: cus.id});
    madeIntent(pi);
    mine.push(pi.id);
  }
  const listed = ids(await stripe.paymentIntents.list({customer: cus.id, limit: 2})
    .autoPagingToArray({limit: 100}));
  expect(same(listed, [...mine].reverse()), "list customer=...: that customer's 3, newest first",
    listed);
}

// --- Refunds --------------------------------------------------------------------------------

async function refunds(stripe) {
  const pi = await stripe.paymentIntents.create({amount: 4000, currency: 'usd',
    payment_method: 'pm_card_visa', confirm: true});
  madeIntent(pi);
  happened('payment_intent.succeeded', pi.id);
  let ch = await chargeOf(stripe, pi);
  if (ch) happened('charge.succeeded', ch.id);
  const part = await stripe.refunds.create({payment_intent: pi.id, amount: 1500,
    reason: 'requested_by_customer', metadata: {ticket: 'T-9'}});
  happened('refund.created', part.id);
  expect(part.object === 'refund' && part.id.startsWith('re_'), 'refund: a re_ object');
  expect(part.amount === 1500 && part.currency === 'usd' && part.status === 'succeeded' &&
    part.payment_intent === pi.id && part.reason === 'requested_by_customer',
  'partial refund: 1500, succeeded, the intent, the reason');
  expect(part.metadata.ticket === 'T-9', 'refund: metadata');
  if (ch) {
    expect(part.charge === ch.id, 'refund: its charge', part.charge);
    happened('charge.refunded', ch.id);
    ch = await stripe.charges.retrieve(ch.id);
    expect(ch.amount_refunded === 1500 && ch.refunded === false,
      'the charge after 1500: amount_refunded 1500, not refunded',
      [ch.amount_refunded, ch.refunded]);
  }
  let after = await stripe.paymentIntents.retrieve(pi.id);
  // docs/api.md "Statuses": refunds move succeeded -> partially_refunded -> refunded (seeds).
  expect(after.status === 'partially_refunded', 'a partly refunded intent: partially_refunded',
    after.status);
  const rest = await stripe.refunds.create({payment_intent: pi.id});
  happened('refund.created', rest.id);
  expect(rest.amount === 2500 && rest.status === 'succeeded', 'full refund: the rest, 2500');
  if (ch) {
    happened('charge.refunded', ch.id);
    ch = await stripe.charges.retrieve(ch.id);
    expect(ch.amount_refunded === 4000 && ch.refunded === true,
      'the charge: amount_refunded 4000, refunded', [ch.amount_refunded, ch.refunded]);
  }
  after = await stripe.paymentIntents.retrieve(pi.id);
  // docs/api.md "Statuses": refunds move succeeded -> partially_refunded -> refunded (seeds).
  expect(after.status === 'refunded', 'a fully refunded intent: refunded', after.status);
  const got = await stripe.refunds.retrieve(part.id);
  expect(got.id === part.id && got.amount === 1500, 'retrieve the refund');
  const listed = ids(await stripe.refunds.list({payment_intent: pi.id, limit: 1})
    .autoPagingToArray({limit: 100}));
  expect(same(listed, [rest.id, part.id]), 'list payment_intent=...: both, newest first', listed);
  const more = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.refunds.create({payment_intent: pi.id, amount: 1}));
  if (more) {
    expect(more.code === 'charge_already_refunded',
      'a refund of a refunded charge: charge_already_refunded', more.code);
  }
}

// --- Customers, products, prices ------------------------------------------------------------

async function customers(stripe) {
  const cus = await stripe.customers.create({email: 'jenny.rosen@example.com',
    name: 'Jenny Rosen', phone: '+15555550100', description: 'sdk suite',
    metadata: {crm: '42'}, address: {line1: '1 Main St', city: 'Springfield',
      postal_code: '12345', country: 'us'}});
  happened('customer.created', cus.id);
  expect(cus.object === 'customer' && cus.id.startsWith('cus_'), 'create: a cus_ object');
  expect(cus.email === 'jenny.rosen@example.com' && cus.name === 'Jenny Rosen' &&
    cus.metadata.crm === '42', 'create: email, name, metadata');
  expect(cus.address.country === 'US', 'create: the address');
  const got = await stripe.customers.retrieve(cus.id);
  expect(got.id === cus.id && got.email === cus.email, 'retrieve');
  const up = await stripe.customers.update(cus.id, {name: 'Jenny R.', metadata: {tier: 'gold'},
    phone: ''});
  happened('customer.updated', cus.id);
  expect(up.name === 'Jenny R.' && up.phone === null, 'update: name set, phone unset',
    [up.name, up.phone]);
  expect(same(up.metadata, {crm: '42', tier: 'gold'}), 'update: metadata merged', up.metadata);
  const other = await stripe.customers.create({email: 'other@example.com'});
  happened('customer.created', other.id);
  const byEmail = await stripe.customers.list({email: 'jenny.rosen@example.com'});
  expect(same(ids(byEmail.data), [cus.id]), 'list email=...: that customer');
  const everyone = ids(await stripe.customers.list({limit: 1}).autoPagingToArray({limit: 100}));
  expect(same(everyone.slice(0, 2), [other.id, cus.id]) &&
    new Set(everyone).size === everyone.length, 'list: newest first, each once', everyone);
  const gone = await stripe.customers.del(other.id);
  happened('customer.deleted', other.id);
  expect(gone.id === other.id && gone.deleted === true, 'delete: deleted true');
  const tomb = await stripe.customers.retrieve(other.id);
  expect(tomb.deleted === true, 'retrieve a deleted customer: deleted');
  const left = ids(await stripe.customers.list().autoPagingToArray({limit: 100}));
  expect(!left.includes(other.id), 'a deleted customer leaves the list');
}

async function productsPrices(stripe) {
  const prod = await stripe.products.create({name: 'T-shirt', description: 'cotton',
    metadata: {sku: 'TS-1'}});
  happened('product.created', prod.id);
  expect(prod.object === 'product' && prod.id.startsWith('prod_') && prod.active === true,
    'product create: active prod_');
  const up = await stripe.products.update(prod.id, {description: 'organic cotton'});
  happened('product.updated', prod.id);
  expect(up.description === 'organic cotton' && up.name === 'T-shirt', 'product update');
  expect((await stripe.products.retrieve(prod.id)).description === 'organic cotton',
    'product retrieve');
  const price = await stripe.prices.create({currency: 'usd', unit_amount: 1500,
    product: prod.id, nickname: 'standard'});
  happened('price.created', price.id);
  expect(price.object === 'price' && price.product === prod.id && price.unit_amount === 1500 &&
    price.type === 'one_time' && price.active === true, 'price with product');
  expect(String(price.unit_amount_decimal) === '1500', 'price: unit_amount_decimal',
    String(price.unit_amount_decimal));
  const inline = await stripe.prices.create({currency: 'usd', unit_amount: 2500,
    product_data: {name: 'Desk lamp'}});
  happened('price.created', inline.id);
  expect(typeof inline.product === 'string' && inline.product.startsWith('prod_'),
    'price with product_data: a new prod_ id', inline.product);
  happened('product.created', inline.product);
  const lamp = await stripe.products.retrieve(inline.product);
  expect(lamp.name === 'Desk lamp', 'the product_data product exists');
  const nick = await stripe.prices.update(price.id, {nickname: 'launch', metadata: {a: 'b'}});
  happened('price.updated', price.id);
  expect(nick.nickname === 'launch' && nick.unit_amount === 1500, 'price update: nickname');
  const listed = ids(await stripe.prices.list({product: prod.id}).autoPagingToArray({limit: 10}));
  expect(same(listed, [price.id]), 'prices list product=...', listed);
  const actives = ids(await stripe.prices.list({active: true, limit: 1})
    .autoPagingToArray({limit: 100}));
  expect(same(actives.slice(0, 2), [inline.id, price.id]), 'prices list active=true');
  const products = ids(await stripe.products.list({limit: 1}).autoPagingToArray({limit: 100}));
  expect(same(products.slice(0, 2), [lamp.id, prod.id]), 'products list, newest first');
  const blocked = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.products.del(prod.id));
  if (blocked) expect(blocked.statusCode === 400, 'delete a product with prices: 400');
  const bare = await stripe.products.create({name: 'Gone soon'});
  happened('product.created', bare.id);
  const deleted = await stripe.products.del(bare.id);
  happened('product.deleted', bare.id);
  expect(deleted.deleted === true && deleted.id === bare.id, 'delete a product without prices');
  return {price, inline};
}

// --- Checkout Sessions ----------------------------------------------------------------------

async function checkout(stripe, {price, inline}) {
  const lineItems = [{price: price.id, quantity: 2}, {price: inline.id, quantity: 1}];
  for (let i = 0; i < 3; i++) {
    const p = await stripe.prices.create({currency: 'usd', unit_amount: 100 * (i + 1),
      product_data: {name: `Sticker ${i}`}});
    happened('price.created', p.id);
    happened('product.created', p.product);
    lineItems.push({price: p.id, quantity: i + 1});
  }
  const s = await stripe.checkout.sessions.create({mode: 'payment', line_items: lineItems,
    success_url: 'https://example.com/ok?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://example.com/cancel', metadata: {cart: 'C-7'},
    client_reference_id: 'user-7'});
  const total = 2 * 1500 + 2500 + 100 + 2 * 200 + 3 * 300;
  expect(s.object === 'checkout.session' && s.id.startsWith('cs_'), 'session: a cs_ object');
  expect(s.status === 'open' && s.payment_status === 'unpaid' && s.mode === 'payment',
    'session: open, unpaid, payment');
  expect(s.amount_total === total && s.amount_subtotal === total && s.currency === 'usd',
    'session: amount_total', s.amount_total);
  expect(typeof s.url === 'string' && s.url.startsWith('http'), 'session: url', s.url);
  expect(s.client_reference_id === 'user-7' && s.metadata.cart === 'C-7',
    'session: client_reference_id, metadata');
  // docs/api.md "Checkout Sessions and Orders (seed 004)": the session is created with its
  // PaymentIntent (Stripe makes it only when the customer pays).
  let spi = s.payment_intent;
  if (expect(typeof spi === 'string' && spi.startsWith('pi_'),
    'session create: payment_intent is a pi_ id', spi)) {
    SESSION_INTENTS.add(spi);
    happened('payment_intent.created', spi);
    happened('payment_intent.canceled', spi); // by the expire below
    const opi = await stripe.paymentIntents.retrieve(spi);
    expect(opi.status === 'requires_payment_method' && opi.amount === total &&
      opi.currency === 'usd',
    "the session's PaymentIntent: requires_payment_method, the session's total",
    [opi.status, opi.amount, opi.currency]);
  } else {
    spi = null;
  }
  const got = await stripe.checkout.sessions.retrieve(s.id);
  expect(got.id === s.id && got.status === 'open', 'session retrieve');

  const page = await stripe.checkout.sessions.listLineItems(s.id, {limit: 2});
  expect(page.data.length === 2 && page.has_more === true, 'listLineItems limit=2: has_more');
  const items = [];
  for await (const item of stripe.checkout.sessions.listLineItems(s.id, {limit: 2})) {
    items.push(item);
  }
  expect(items.length === 5 && new Set(ids(items)).size === 5,
    'listLineItems auto-paginated: all 5 items once', items.length);
  expect(items.every((i) => i.object === 'item'), 'line items: object item');
  expect(items.reduce((sum, i) => sum + i.amount_total, 0) === total, 'line items add up');
  // docs/api.md "Choices where seed 004 is silent": a line item's price is the price id (no
  // expand[] on the line_items list is documented, so the expanded form is not tested).
  expect(same(items.filter((i) => typeof i.price === 'string').map((i) => i.price).sort(),
    lineItems.map((x) => x.price).sort()), 'line items: price is the price id',
  items.length && items[0].price);
  const byPrice = new Map(items.map((i) => [typeof i.price === 'string' ? i.price : i.price.id,
    i]));
  const shirt = byPrice.get(price.id);
  expect(shirt && shirt.quantity === 2 && shirt.amount_subtotal === 3000,
    'the T-shirt line: 2 x 1500');
  const each = [];
  await stripe.checkout.sessions.listLineItems(s.id, {limit: 2}).autoPagingEach((i) => {
    each.push(i.id);
  });
  expect(same(each, ids(items)), 'listLineItems autoPagingEach: the same');

  const listed = ids(await stripe.checkout.sessions.list({limit: 1})
    .autoPagingToArray({limit: 100}));
  expect(listed[0] === s.id && new Set(listed).size === listed.length, 'sessions list');
  const expired = await stripe.checkout.sessions.expire(s.id);
  happened('checkout.session.expired', s.id);
  expect(expired.status === 'expired' && expired.payment_status === 'unpaid',
    'expire: expired', expired.status);
  if (spi) {
    // docs/api.md "Checkout Sessions and Orders (seed 004)": expiring cancels the intent.
    const cpi = await stripe.paymentIntents.retrieve(spi);
    expect(cpi.status === 'canceled' && cpi.cancellation_reason === 'abandoned',
      "expire: the session's PaymentIntent canceled, abandoned",
      [cpi.status, cpi.cancellation_reason]);
  }
  const open = ids(await stripe.checkout.sessions.list({status: 'open'})
    .autoPagingToArray({limit: 100}));
  expect(!open.includes(s.id), 'an expired session leaves status=open');
  const again = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.checkout.sessions.expire(s.id));
  if (again) expect(again.statusCode === 400, 'expire twice: 400');
}

// --- Errors ---------------------------------------------------------------------------------

async function errors(stripe, port) {
  let e = await rejects(Stripe.errors.StripeCardError, stripe.paymentIntents.create({
    amount: 1200, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true}));
  if (e) {
    expect(e.statusCode === 402 && e.type === 'StripeCardError' && e.rawType === 'card_error',
      'decline: 402 StripeCardError, card_error', [e.statusCode, e.rawType]);
    expect(e.code === 'card_declined' && e.decline_code === 'generic_decline',
      'decline: code card_declined, decline_code generic_decline', [e.code, e.decline_code]);
    expect(typeof e.charge === 'string' && e.charge.startsWith('ch_'),
      "decline: the failed charge's id", e.charge);
    expect(typeof e.requestId === 'string' && e.requestId.startsWith('req_'),
      'decline: requestId', e.requestId);
    const pi = e.payment_intent;
    if (expect(pi && pi.object === 'payment_intent', 'decline: err.payment_intent')) {
      PAYMENT_INTENTS.push(pi.id);
      happened('payment_intent.created', pi.id);
      happened('payment_intent.payment_failed', pi.id);
      happened('charge.failed', e.charge);
      expect(pi.status === 'requires_payment_method',
        'decline: the intent is requires_payment_method', pi.status);
      const lpe = pi.last_payment_error;
      expect(lpe && lpe.code === 'card_declined' && lpe.decline_code === 'generic_decline',
        'decline: last_payment_error code, decline_code');
      // docs/api.md "Where the seeds disagree, and other choices": payment_error (seed 001).
      expect(lpe && lpe.type === 'payment_error',
        'decline: last_payment_error.type payment_error', lpe && lpe.type);
      const ch = await stripe.charges.retrieve(e.charge);
      expect(ch.status === 'failed' && ch.failure_code === 'card_declined',
        'decline: the charge failed, card_declined');
    }
  }
  const pi = await stripe.paymentIntents.create({amount: 1300, currency: 'usd'});
  madeIntent(pi);
  e = await rejects(Stripe.errors.StripeCardError, stripe.paymentIntents.confirm(pi.id,
    {payment_method: 'pm_card_insufficientFunds'}));
  if (e) {
    happened('payment_intent.payment_failed', pi.id);
    expect(e.code === 'card_declined' && e.decline_code === 'insufficient_funds',
      'confirm declined: insufficient_funds', [e.code, e.decline_code]);
    expect(e.payment_intent && e.payment_intent.id === pi.id,
      'confirm declined: err.payment_intent is the intent');
    if (typeof e.charge === 'string') happened('charge.failed', e.charge);
  }
  const ok = await stripe.paymentIntents.confirm(pi.id, {payment_method: 'pm_card_visa'});
  happened('payment_intent.succeeded', pi.id);
  expect(ok.status === 'succeeded', 'confirm again after a decline: succeeded', ok.status);
  const okch = await chargeOf(stripe, ok);
  if (okch) happened('charge.succeeded', okch.id);
  e = await rejects(Stripe.errors.StripeCardError, stripe.paymentIntents.create({
    amount: 1200, currency: 'usd', payment_method: 'pm_card_expired', confirm: true}));
  if (e) {
    expect(e.code === 'expired_card', 'an expired card: expired_card', e.code);
    if (e.payment_intent) {
      PAYMENT_INTENTS.push(e.payment_intent.id);
      happened('payment_intent.created', e.payment_intent.id);
      happened('payment_intent.payment_failed', e.payment_intent.id);
    }
  }

  e = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.paymentIntents.create({currency: 'usd'}));
  if (e) {
    expect(e.statusCode === 400 && e.code === 'parameter_missing' && e.param === 'amount',
      'no amount: 400 parameter_missing, param amount', [e.statusCode, e.code, e.param]);
    expect(e.rawType === 'invalid_request_error', 'no amount: invalid_request_error');
  }
  e = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.paymentIntents.create({amount: 100, currency: 'usd', colour: 'red'}));
  if (e) {
    expect(e.code === 'parameter_unknown' && e.param === 'colour',
      'an unknown parameter: parameter_unknown naming it', [e.code, e.param]);
  }
  e = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.customers.create({email: 'not an email'}));
  if (e) expect(e.param === 'email', 'a bad email: param email', e.param);

  const wrong = new Stripe('sk_test_wrong_0000000000', {host: '127.0.0.1', port,
    protocol: 'http'});
  e = await rejects(Stripe.errors.StripeAuthenticationError, wrong.customers.list());
  if (e) expect(e.statusCode === 401, 'a wrong key: 401', e.statusCode);
  e = await rejects(Stripe.errors.StripeAuthenticationError,
    stripe.customers.list({}, {apiKey: 'sk_test_nope'}));
  if (e) expect(e.statusCode === 401, 'a wrong key per request: 401');

  const key = crypto.randomUUID();
  const first = await stripe.paymentIntents.create({amount: 900, currency: 'usd'},
    {idempotencyKey: key});
  madeIntent(first);
  const replay = await stripe.paymentIntents.create({amount: 900, currency: 'usd'},
    {idempotencyKey: key});
  expect(replay.id === first.id, 'the same key and parameters: the same intent');
  expect(replay.lastResponse.headers['idempotent-replayed'] === 'true',
    'the replay: Idempotent-Replayed: true', replay.lastResponse.headers['idempotent-replayed']);
  e = await rejects(Stripe.errors.StripeIdempotencyError,
    stripe.paymentIntents.create({amount: 901, currency: 'usd'}, {idempotencyKey: key}));
  if (e) {
    expect(e.statusCode === 400 && e.rawType === 'idempotency_error',
      'the same key, other parameters: 400 idempotency_error', [e.statusCode, e.rawType]);
  }

  e = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.paymentIntents.retrieve('pi_nothere0000'));
  if (e) {
    expect(e.statusCode === 404 && e.code === 'resource_missing',
      'an unknown intent: 404 resource_missing', [e.statusCode, e.code]);
  }
  e = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.customers.retrieve('cus_nothere0000'));
  if (e) {
    expect(e.statusCode === 404 && e.code === 'resource_missing' && e.param === 'id',
      'an unknown customer: 404 resource_missing, param id', [e.statusCode, e.code, e.param]);
  }
  e = await rejects(Stripe.errors.StripeInvalidRequestError,
    stripe.refunds.create({payment_intent: 'pi_nothere0000'}));
  if (e) {
    expect(e.code === 'resource_missing' && e.param === 'payment_intent',
      'a refund of an unknown intent: resource_missing, param payment_intent', [e.code, e.param]);
  }
}

// --- Dropped connections and the SDK's own retries ------------------------------------------

// One HTTP/1.1 message at the start of `buf`: {head, headers, end} or null while incomplete.
function parseMessage(buf) {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const headers = {};
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let end = headEnd + 4;
  if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', end);
      if (lineEnd < 0) return null;
      const size = parseInt(buf.subarray(end, lineEnd).toString('latin1'), 16);
      end = lineEnd + 2 + size + 2;
      if (end > buf.length) return null;
      if (size === 0) break;
    }
  } else {
    end += Number(headers['content-length'] || 0);
    if (end > buf.length) return null;
  }
  return {head, headers, end, body: buf.subarray(headEnd + 4, end)};
}

// Forwards each request to payledgerd and its answer back; while armed, the next answer is read
// from payledgerd in full and the client's connection is destroyed without it.
class DroppingProxy {
  constructor(upstreamPort) {
    this.drops = 0;
    this.log = [];
    this.server = net.createServer((client) => this.relay(client, upstreamPort));
  }
  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.port = this.server.address().port;
      resolve();
    }));
  }
  arm() {
    this.drops = 1;
    this.log = [];
  }
  relay(client, upstreamPort) {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    let fromClient = Buffer.alloc(0);
    let fromUpstream = Buffer.alloc(0);
    const pending = []; // requests sent upstream, waiting for their answer
    client.on('data', (chunk) => {
      fromClient = Buffer.concat([fromClient, chunk]);
      for (let m; (m = parseMessage(fromClient));) {
        const [method, url] = m.head.split('\r\n')[0].split(' ');
        pending.push({method, path: url, key: m.headers['idempotency-key']});
        upstream.write(fromClient.subarray(0, m.end));
        fromClient = fromClient.subarray(m.end);
      }
    });
    upstream.on('data', (chunk) => {
      fromUpstream = Buffer.concat([fromUpstream, chunk]);
      for (let m; (m = parseMessage(fromUpstream));) {
        const req = pending.shift() || {};
        const drop = this.drops > 0;
        if (drop) this.drops -= 1;
        this.log.push({...req, status: Number(m.head.split(' ')[1]),
          replayed: m.headers['idempotent-replayed'], body: m.body.toString(), dropped: drop});
        if (drop) {
          client.destroy(); // payledgerd answered; the client never sees it
          upstream.destroy();
          return;
        }
        client.write(fromUpstream.subarray(0, m.end));
        fromUpstream = fromUpstream.subarray(m.end);
      }
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('end', close);
    upstream.on('end', close);
  }
  close() {
    this.server.close();
  }
}

async function retries(stripe) {
  const proxy = new DroppingProxy(stripe._port);
  await proxy.listen();
  // Default settings (retries included) but the base URL: the proxy's.
  const via = new Stripe(KEY, {host: '127.0.0.1', port: proxy.port, protocol: 'http'});
  try {
    await via.customers.list({limit: 1}); // a kept-alive connection first, as in real life
    const marker = crypto.randomUUID();
    proxy.arm();
    const t0 = Date.now();
    const pi = await via.paymentIntents.create({amount: 4321, currency: 'usd',
      metadata: {marker}});
    madeIntent(pi);
    console.log(`    the SDK's retry took ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    const posts = proxy.log.filter((x) => x.method === 'POST');
    expect(posts.length === 2 && posts[0].dropped && !posts[1].dropped,
      'create: the first answer dropped, the SDK retried once', posts.length);
    if (posts.length === 2) {
      expect(posts[0].key && posts[0].key === posts[1].key,
        'the retry carried the same Idempotency-Key', [posts[0].key, posts[1].key]);
      const dropped = JSON.parse(posts[0].body);
      expect(posts[0].status === 200 && dropped.id === pi.id,
        'the SDK returned the object of the dropped answer', dropped.id);
      expect(posts[1].replayed === 'true',
        "the retry's answer is the stored one (Idempotent-Replayed: true)", posts[1].replayed);
    }
    const all = await stripe.paymentIntents.list({limit: 100}).autoPagingToArray({limit: 10000});
    const sameMarker = ids(all.filter((p) => p.metadata.marker === marker));
    expect(same(sameMarker, [pi.id]), 'exactly one intent was created', sameMarker);

    const target = await stripe.paymentIntents.create({amount: 5432, currency: 'usd'});
    madeIntent(target);
    proxy.arm();
    const done = await via.paymentIntents.confirm(target.id, {payment_method: 'pm_card_visa'});
    happened('payment_intent.succeeded', target.id);
    expect(done.status === 'succeeded' && done.amount_received === 5432,
      'confirm through the drop: succeeded', done.status);
    const log = proxy.log;
    expect(log.length === 2 && log[0].dropped && log[0].key === log[1].key &&
      log[1].replayed === 'true', 'confirm: dropped once, retried with the same key, replayed',
    log.map((x) => [x.status, x.dropped, x.replayed]));
    const charges = (await stripe.charges.list({payment_intent: target.id})).data;
    expect(charges.length === 1 && charges[0].amount_captured === 5432,
      'confirm: exactly one charge', charges.length);
    if (charges.length) happened('charge.succeeded', charges[0].id);
  } finally {
    proxy.close();
  }
}

// --- Webhooks and events --------------------------------------------------------------------

const INBOX = {secret: null, events: new Map(), deliveries: [], refused: 0};

function startReceiver(stripe) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let status = 200;
      if (req.url === '/hook') {
        try {
          const event = stripe.webhooks.constructEvent(body, req.headers['stripe-signature'],
            INBOX.secret);
          INBOX.events.set(event.id, (INBOX.events.get(event.id) || 0) + 1);
          INBOX.deliveries.push({body, signature: req.headers['stripe-signature']});
        } catch (err) {
          INBOX.refused += 1;
          status = 400;
        }
      }
      res.writeHead(status, {'Content-Length': 0});
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function webhookEndpoint(stripe, hookUrl) {
  const ep = await stripe.webhookEndpoints.create({url: hookUrl, enabled_events: ['*'],
    description: 'sdk suite', metadata: {env: 'test'}});
  expect(ep.object === 'webhook_endpoint' && ep.id.startsWith('we_'), 'endpoint: a we_ object');
  expect(ep.secret.startsWith('whsec_'), 'endpoint create: the whsec_ secret');
  expect(ep.status === 'enabled' && same(ep.enabled_events, ['*']), 'endpoint: enabled, *');
  INBOX.secret = ep.secret;
}

async function webhookEndpointsCrud(stripe, hookUrl) {
  const other = await stripe.webhookEndpoints.create({url: hookUrl.replace('/hook', '/other'),
    enabled_events: ['product.created']});
  const got = await stripe.webhookEndpoints.retrieve(other.id);
  expect(got.url.endsWith('/other') && got.secret === undefined,
    'endpoint retrieve: no secret shown again');
  const up = await stripe.webhookEndpoints.update(other.id, {
    enabled_events: ['customer.*', 'price.created'], disabled: true});
  expect(same(up.enabled_events, ['customer.*', 'price.created']) && up.status === 'disabled',
    'endpoint update: events, disabled');
  const listed = ids(await stripe.webhookEndpoints.list({limit: 1})
    .autoPagingToArray({limit: 100}));
  expect(listed.includes(other.id) && listed.length === 2, 'endpoints list', listed);
  const gone = await stripe.webhookEndpoints.del(other.id);
  expect(gone.deleted === true, 'endpoint delete: deleted');
}

async function eventsAndDeliveries(stripe, port) {
  const events = await stripe.events.list({limit: 25}).autoPagingToArray({limit: 10000});
  const all = ids(events);
  expect(new Set(all).size === all.length, `events auto-paginated: ${all.length}, each once`);
  const created = events.map((e) => e.created);
  expect(created.every((c, i) => i === 0 || created[i - 1] >= c), 'events: newest first');
  expect(events.every((e) => e.object === 'event' && e.id.startsWith('evt_')), 'evt_ objects');
  const actual = new Map();
  for (const e of events) {
    const k = `${e.type} ${e.data.object.id}`;
    actual.set(k, (actual.get(k) || 0) + 1);
  }
  const tracked = new Set([...EXPECTED_EVENTS.keys()].map((k) => k.split(' ')[1]));
  for (const [k, n] of [...EXPECTED_EVENTS.entries()].sort()) {
    expect((actual.get(k) || 0) === n, `event ${k}: ${n}`, actual.get(k) || 0);
  }
  const extra = {};
  for (const [k, n] of actual) {
    const [type, id] = k.split(' ');
    if (tracked.has(id) && !EXPECTED_EVENTS.has(k)) extra[type] = (extra[type] || 0) + n;
  }
  if (Object.keys(extra).length) {
    console.log("    events for the suite's objects beyond Stripe's list:", extra);
  }
  const types = {};
  for (const e of events) types[e.type] = (types[e.type] || 0) + 1;
  console.log('    event types listed:', JSON.stringify(types));
  const createdEvents = [];
  await stripe.events.list({type: 'payment_intent.created', limit: 10}).autoPagingEach((e) => {
    createdEvents.push(e);
  });
  expect(same(ids(createdEvents), ids(events.filter((e) => e.type === 'payment_intent.created'))),
    'type=payment_intent.created: the same events as the full list');
  expect(same(createdEvents.map((e) => e.data.object.id)
    .filter((id) => !SESSION_INTENTS.has(id)), [...PAYMENT_INTENTS].reverse()),
    `payment_intent.created: one per intent made (${PAYMENT_INTENTS.length}), newest first`,
    createdEvents.length);
  const customer = [];
  for await (const e of stripe.events.list({type: 'customer.*', limit: 3})) customer.push(e.id);
  expect(same(customer, ids(events.filter((e) => e.type.startsWith('customer.')))),
    'type=customer.*: every customer event', customer.length);
  const both = ids(await stripe.events.list({types: ['refund.created', 'charge.refunded'],
    limit: 2}).autoPagingToArray({limit: 1000}));
  expect(same(both, ids(events.filter((e) => ['refund.created', 'charge.refunded']
    .includes(e.type)))), 'types[]=refund.created,charge.refunded', both.length);
  const one = await stripe.events.retrieve(all[0]);
  expect(one.id === all[0] && one.type === events[0].type, 'events.retrieve');

  // Every event was delivered to the endpoint and verified by constructEvent.
  const deadline = Date.now() + 30000;
  let missing = all;
  while (Date.now() < deadline) {
    missing = all.filter((id) => !INBOX.events.has(id));
    if (!missing.length) break;
    await sleep(100);
  }
  expect(missing.length === 0, `every one of ${all.length} events delivered and verified by ` +
    'stripe.webhooks.constructEvent', missing.length);
  expect(INBOX.refused === 0, 'no delivery failed verification', INBOX.refused);
  const {body, signature} = INBOX.deliveries[0];
  const event = stripe.webhooks.constructEvent(body, signature, INBOX.secret);
  expect(event.id === JSON.parse(body).id, 'constructEvent: the delivered event');
  const served = await new Promise((resolve, reject) => {
    http.get({host: '127.0.0.1', port, path: `/v1/events/${event.id}`,
      headers: {Authorization: `Bearer ${KEY}`}}, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    }).on('error', reject);
  });
  expect(same(JSON.parse(body), JSON.parse(served)),
    'the delivery is the event GET /v1/events/{id} serves');
  const asyncEvent = await stripe.webhooks.constructEventAsync(body, signature, INBOX.secret);
  expect(asyncEvent.id === event.id, 'constructEventAsync accepts it too');
  let tampered = body.replace('"livemode":false', '"livemode":true');
  if (tampered === body) tampered = body + ' ';
  const stale = `t=${Math.floor(Date.now() / 1000) - 3600},` +
    signature.split(',').slice(1).join(',');
  for (const [what, args] of [
    ['a tampered payload', [tampered, signature, INBOX.secret]],
    ['the wrong secret', [body, signature, 'whsec_' + '0'.repeat(32)]],
    ['no v1 signature', [body, signature.split(',')[0], INBOX.secret]],
    ['a signature an hour old', [body, stale, INBOX.secret]],
  ]) {
    try {
      stripe.webhooks.constructEvent(...args);
      expect(false, `constructEvent refuses ${what}`, 'accepted');
    } catch (err) {
      expect(err.type === 'StripeSignatureVerificationError', `constructEvent refuses ${what}`,
        err.type);
    }
  }
}

async function main() {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'payledger-node-sdk-'));
  const {proc, port} = await startPayledgerd(tmp);
  let receiver;
  try {
    // Default settings but the base URL.
    const stripe = new Stripe(KEY, {host: '127.0.0.1', port, protocol: 'http'});
    stripe._port = port;
    receiver = await startReceiver(stripe);
    const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
    await section('webhook endpoint', () => webhookEndpoint(stripe, hookUrl));
    await section('payment intents', () => paymentIntents(stripe));
    await section('payment intents: auto-pagination', () => pagination(stripe));
    await section('refunds', () => refunds(stripe));
    await section('customers', () => customers(stripe));
    const prices = await section('products and prices', () => productsPrices(stripe));
    if (prices) await section('checkout sessions', () => checkout(stripe, prices));
    await section('errors', () => errors(stripe, port));
    await section('retries after a dropped connection', () => retries(stripe));
    await section('webhook endpoints: retrieve, update, list, delete',
      () => webhookEndpointsCrud(stripe, hookUrl));
    await section('events and webhook deliveries', () => eventsAndDeliveries(stripe, port));
    expect(LATEST_CHARGE_MISSING.length === 0,
      'every PaymentIntent with a charge has latest_charge (a ch_ id)',
      `missing on ${LATEST_CHARGE_MISSING.length}: ${LATEST_CHARGE_MISSING[0]}`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((resolve) => (proc.exitCode !== null ? resolve() : proc.on('exit', resolve)));
    if (receiver) receiver.close();
    fs.rmSync(tmp, {recursive: true, force: true});
  }
  if (FAILED.length) {
    console.log(`\n${FAILED.length} check(s) failed:`);
    for (const f of FAILED) console.log('  -', f);
  }
  console.log(`node sdk suite: ${PASSED} passed, ${FAILED.length} failed, ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(FAILED.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
