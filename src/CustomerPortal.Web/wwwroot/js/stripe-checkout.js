// Checkout with Stripe: mounts Stripe's Payment Element (card and US bank account) in #payment-element, and on Pay asks
// Stripe to turn what was typed into a PaymentMethod (pm_…). Only that id is posted to the portal ("Method" = "new-pm_…"),
// which then writes the payment ahead and confirms the PaymentIntent server-side with its idempotency key (docs/payments.md).
// Card and bank numbers stay inside Stripe's iframes. Loaded only when Payments:Provider is Stripe, after js.stripe.com/v3.
(function () {
    'use strict';
    var mount = document.getElementById('payment-element');
    var form = document.getElementById('pay-form');
    if (!mount || !form || typeof window.Stripe !== 'function') return;

    var stripe = window.Stripe(mount.getAttribute('data-publishable-key'));
    var elements = stripe.elements({
        mode: 'payment',
        amount: parseInt(mount.getAttribute('data-amount'), 10),
        currency: mount.getAttribute('data-currency') || 'usd',
        paymentMethodCreation: 'manual',
        setupFutureUsage: 'off_session'
    });
    var element = elements.create('payment');
    element.mount(mount);

    var newMethod = document.getElementById('method-stripe-new');
    var hidden = document.getElementById('stripe-method');
    var error = document.getElementById('stripe-error');
    var chosenNew = function () { return !newMethod || newMethod.checked; };

    element.on('change', function (e) {
        if (newMethod && !e.empty) newMethod.checked = true;
        var kind = e.value && e.value.type === 'us_bank_account' ? 'bank' : 'card';
        if (newMethod) {
            newMethod.setAttribute('data-kind', kind);
            newMethod.dispatchEvent(new Event('change', { bubbles: true }));
        }
    });

    form.addEventListener('submit', function (e) {
        if (!chosenNew() || form.getAttribute('data-stripe-ready') === 'true') return; // a saved method, or the pm_ is in place
        e.preventDefault();
        e.stopImmediatePropagation();
        if (error) error.textContent = '';
        elements.submit().then(function (submitted) {
            if (submitted.error) throw submitted.error;
            return stripe.createPaymentMethod({ elements: elements });
        }).then(function (result) {
            if (result.error) throw result.error;
            hidden.value = 'new-' + result.paymentMethod.id;
            hidden.disabled = false;
            if (newMethod) newMethod.disabled = true; // the hidden field carries "Method"
            form.setAttribute('data-stripe-ready', 'true');
            form.requestSubmit();
        }).catch(function (err) {
            if (error) error.textContent = (err && err.message) || 'The payment details could not be checked. Try again.';
        });
    }, true);
})();
