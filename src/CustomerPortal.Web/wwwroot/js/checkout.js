// Checkout: show the ACH authorization only while a bank account is chosen, and make one click one submit.
(function () {
    'use strict';
    var form = document.getElementById('pay-form');
    if (!form) return;
    var ach = document.getElementById('ach-authorization');
    function update() {
        if (!ach) return;
        var chosen = form.querySelector('input[name="Method"]:checked');
        ach.hidden = !(chosen && chosen.getAttribute('data-kind') === 'bank');
    }
    form.addEventListener('change', update);
    update();
    form.addEventListener('submit', function (e) {
        if (form.getAttribute('data-submitted') === 'true') { e.preventDefault(); return; }
        form.setAttribute('data-submitted', 'true');
        var button = document.getElementById('pay-button');
        if (button) { button.setAttribute('aria-disabled', 'true'); button.classList.add('disabled'); button.textContent = 'Paying…'; }
    });
})();
