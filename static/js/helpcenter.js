// Help center behaviour. Loaded from /static/ (the Content Security Policy forbids inline script).
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-autosubmit submit when their select changes (not the language switcher:
  // changing the page's language while someone moves through the list would break WCAG 3.2.2).
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    const select = form.querySelector("select");
    if (select) select.addEventListener("change", () => form.submit());
  }
});
