// Help center behaviour. Loaded from /static/ (the Content Security Policy forbids inline script).
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits on change; its button stays for keyboard and no-JS use.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    const select = form.querySelector("select");
    if (select) select.addEventListener("change", () => form.submit());
  }
});
