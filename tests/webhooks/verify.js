// Checks every delivery the Python test recorded with Stripe's Node SDK, as a merchant's Node
// receiver would: stripe.webhooks.constructEvent(body, Stripe-Signature, secret). A tampered
// body must be refused. Usage: node verify.js DELIVERIES.json SECRET (NODE_PATH finds stripe).
const fs = require('fs');
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused_for_verification');
const [file, secret] = process.argv.slice(2);
const deliveries = JSON.parse(fs.readFileSync(file, 'utf8'));
let verified = 0;
for (const d of deliveries) {
  const event = stripe.webhooks.constructEvent(d.body, d.signature, secret);
  if (event.id !== JSON.parse(d.body).id) throw new Error('constructEvent gave another event');
  verified += 1;
}
let refused = false;
try {
  stripe.webhooks.constructEvent(deliveries[0].body + ' ', deliveries[0].signature, secret);
} catch (e) {
  refused = e.type === 'StripeSignatureVerificationError';
}
if (!refused) throw new Error('a tampered body was accepted');
console.log(`ok: Stripe's Node SDK verified ${verified} deliveries and refused a tampered one`);
