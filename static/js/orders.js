// Return form: recompute the value, the cost and the refund as the customer picks items and
// a reason. The server computes the same figures (and is the one that counts).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-return-form]");
  if (!form) return;
  const fee = Number(form.dataset.fee || "0");
  const freeReasons = (form.dataset.freeReasons || "").split(",").filter(Boolean);
  const out = (name) => form.querySelector(`[data-quote="${name}"]`);
  const cents = (value) => Math.round(value * 100);
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false,
  });
  const money = (c) => format.format(c / 100);

  function update() {
    let items = 0;
    for (const input of form.querySelectorAll("input.qty-input")) {
      const max = Number(input.max || "0");
      const qty = Math.min(Math.max(parseInt(input.value, 10) || 0, 0), max);
      items += cents(Number(input.dataset.price || "0")) * qty;
    }
    const reason = form.querySelector("input[name=reason]:checked");
    const charged = items > 0 && reason && !freeReasons.includes(reason.value) ? cents(fee) : 0;
    out("items").textContent = money(items);
    out("fee").textContent = money(charged);
    out("refund").textContent = money(Math.max(items - charged, 0));
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  // With JavaScript the figures are live, so the no-JS "Recalculate" button is not needed.
  const preview = form.querySelector("[data-preview-button]");
  if (preview) preview.hidden = true;
  update();
});
