#pragma once
// The two scripts the checkout serves (from this server: the pages' CSP allows no other):
// checkout.js runs in the checkout form; embed.js runs in a merchant's page and mounts the
// form from a session's client_secret.
#include <string_view>

namespace payledger::checkout_sessions {

// In the form: the total follows the shipping choice; the Pay button is pressed once; an
// embedded form that completed tells the page around it.
inline constexpr std::string_view kCheckoutScript = R"JS((function () {
  'use strict';
  var total = document.getElementById('total');
  function format(minor) {
    var digits = Number(total.dataset.digits);
    var currency = total.dataset.currency;
    if (digits === 0) return minor + ' ' + currency;
    var unit = Math.pow(10, digits);
    var fraction = String(minor % unit);
    while (fraction.length < digits) fraction = '0' + fraction;
    return Math.floor(minor / unit) + '.' + fraction + ' ' + currency;
  }
  var rates = document.querySelectorAll('input[name="shipping_rate"]');
  function update() {
    var shipping = 0;
    rates.forEach(function (r) { if (r.checked) shipping = Number(r.dataset.amount); });
    var sum = Number(total.dataset.subtotal) + shipping;
    total.textContent = format(sum);
    var line = document.getElementById('shipping-amount');
    if (line) line.textContent = format(shipping);
    var pay = document.getElementById('pay');
    if (pay) pay.textContent = 'Pay ' + format(sum);
  }
  if (total) {
    rates.forEach(function (r) { r.addEventListener('change', update); });
    update();
  }
  var form = document.getElementById('checkout-form');
  if (form) {
    form.addEventListener('submit', function () {
      var pay = document.getElementById('pay');
      setTimeout(function () { pay.disabled = true; pay.textContent = 'Processing…'; }, 0);
    });
  }
  var complete = document.getElementById('complete');
  if (complete && window.parent !== window) {
    window.parent.postMessage({
      type: 'payledger.checkout.complete',
      session: complete.dataset.session,
      return_url: complete.dataset.returnUrl
    }, '*');
  }
})();
)JS";

// In a merchant's page: PayledgerCheckout.mount('#checkout', {clientSecret}) puts the session's
// form in an iframe; when it completes, the page goes to the session's return_url (or calls
// onComplete, when given, instead).
inline constexpr std::string_view kEmbedScript = R"JS((function () {
  'use strict';
  var origin = new URL(document.currentScript.src).origin;
  window.PayledgerCheckout = {
    mount: function (target, options) {
      var host = typeof target === 'string' ? document.querySelector(target) : target;
      var secret = options.clientSecret;
      var id = secret.split('_secret_')[0];
      var frame = document.createElement('iframe');
      frame.src = origin + '/checkout/' + encodeURIComponent(id) + '/embedded?secret=' +
          encodeURIComponent(secret);
      frame.title = 'Checkout';
      frame.style.width = '100%';
      frame.style.border = '0';
      frame.style.minHeight = (options.height || 1100) + 'px';
      host.appendChild(frame);
      window.addEventListener('message', function (event) {
        if (event.origin !== origin || event.source !== frame.contentWindow) return;
        var data = event.data || {};
        if (data.type !== 'payledger.checkout.complete') return;
        if (options.onComplete) { options.onComplete(data); return; }
        if (data.return_url) window.location.href = data.return_url;
      });
      return frame;
    }
  };
})();
)JS";

}  // namespace payledger::checkout_sessions
