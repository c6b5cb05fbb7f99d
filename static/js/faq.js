// "Was this helpful?" without a page reload. The form works without this script (it posts and
// the page redirects back); here it is sent with fetch and answered in place.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-vote-form]")) {
    const status = form.querySelector(".vote-status");
    form.addEventListener("submit", async (event) => {
      if (!event.submitter) return; // Enter in the textarea: let the browser post the form.
      event.preventDefault();
      const data = new FormData(form, event.submitter);
      const buttons = form.querySelectorAll("button[name=helpful]");
      buttons.forEach((b) => { b.disabled = true; });
      status.classList.remove("is-error");
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
        });
        const body = await response.json();
        if (!response.ok || !body.ok) throw new Error("rejected");
        buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === event.submitter)));
        status.textContent = body.message;
      } catch (error) {
        status.classList.add("is-error");
        status.textContent = status.dataset.error;
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    });
  }
});
