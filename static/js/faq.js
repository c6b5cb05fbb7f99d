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

// As-you-type suggestions under the help-center search box: the WAI-ARIA combobox pattern with
// a listbox popup (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). Without this script the
// plain search form still works; the roles are added here so a page without JS announces a
// plain search box. Server text only ever reaches the page through textContent.
(() => {
  const DEBOUNCE_MS = 150;
  const MIN_LENGTH = 2; // faq.forms.MIN_SUGGEST_LENGTH
  const MAX_LENGTH = 200;

  // Split text into text nodes and <mark>s around the query's words (case-insensitive).
  function appendMarked(parent, text, words) {
    if (!words.length) { parent.appendChild(document.createTextNode(text)); return; }
    const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(escaped.join("|"), "giu");
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      if (!match[0]) continue;
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      parent.appendChild(mark);
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function setUp(combo) {
    const input = combo.querySelector("input");
    if (!input || !combo.dataset.suggestUrl) return;
    const form = input.form;
    const listId = `${input.id}-suggestions`;
    const listbox = document.createElement("ul");
    listbox.id = listId;
    listbox.className = "search-suggest-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", combo.dataset.suggestLabel || "");
    listbox.hidden = true;
    const status = document.createElement("p");
    status.className = "search-suggest-status";
    status.setAttribute("role", "status");
    status.hidden = true;
    combo.append(listbox, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    let options = [];   // [{element, url}]
    let active = -1;
    let timer = null;
    let controller = null;
    let shownFor = null; // the query whose results the list holds

    function setActive(index) {
      if (active >= 0 && options[active]) options[active].element.setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0) {
        const option = options[active].element;
        option.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!options.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      listbox.hidden = true;
      status.hidden = true;
      status.textContent = "";
      input.setAttribute("aria-expanded", "false");
    }

    function cancelPending() {
      clearTimeout(timer);
      if (controller) controller.abort();
      controller = null;
    }

    function render(query, results) {
      setActive(-1);
      listbox.replaceChildren();
      options = [];
      shownFor = query;
      const words = query.split(/\s+/).filter((w) => w.length >= MIN_LENGTH);
      results.forEach((result, index) => {
        const item = document.createElement("li");
        item.id = `${listId}-${index}`;
        item.className = "search-suggest-option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        if (result.language) item.lang = result.language;
        const title = document.createElement("span");
        title.className = "search-suggest-title";
        appendMarked(title, String(result.title || ""), words);
        item.appendChild(title);
        if (result.snippet) {
          const snippet = document.createElement("span");
          snippet.className = "search-suggest-snippet";
          appendMarked(snippet, String(result.snippet), words);
          item.appendChild(snippet);
        }
        item.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
        item.addEventListener("click", () => go(index));
        item.addEventListener("mousemove", () => { if (active !== index) setActive(index); });
        listbox.appendChild(item);
        options.push({ element: item, url: String(result.url || "") });
      });
      if (options.length) {
        status.hidden = true;
        status.textContent = "";
        open();
      } else {
        listbox.hidden = true;
        input.setAttribute("aria-expanded", "false");
        status.textContent = combo.dataset.suggestEmpty || "";
        status.hidden = false;
      }
    }

    function go(index) {
      const url = options[index] && options[index].url;
      // Only same-origin paths from our own endpoint; anything else is ignored.
      if (!url || !url.startsWith("/") || url.startsWith("//")) return;
      close();
      window.location.assign(url);
    }

    async function fetchSuggestions(query) {
      if (controller) controller.abort();
      controller = new AbortController();
      const mine = controller;
      const params = new URLSearchParams({ q: query });
      const lang = document.documentElement.lang;
      if (lang) params.set("lang", lang);
      try {
        const response = await fetch(`${combo.dataset.suggestUrl}?${params}`, {
          credentials: "same-origin",
          headers: { "Accept": "application/json" },
          signal: mine.signal,
        });
        if (!response.ok) { if (mine === controller) close(); return; }
        const body = await response.json();
        if (mine !== controller || input.value.trim() !== query) return; // stale
        render(query, Array.isArray(body.results) ? body.results : []);
      } catch (error) {
        if (error.name !== "AbortError" && mine === controller) close();
      } finally {
        if (mine === controller) controller = null;
      }
    }

    input.addEventListener("input", () => {
      cancelPending();
      const query = input.value.trim();
      if (query.length < MIN_LENGTH || query.length > MAX_LENGTH) {
        shownFor = null;
        close();
        return;
      }
      timer = setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return; // an IME (Chinese input) is still composing
      const expanded = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!expanded) {
            if (shownFor !== null && shownFor === input.value.trim()) open();
            if (listbox.hidden) return;
            event.preventDefault();
            if (!event.altKey) setActive(0);
            return;
          }
          event.preventDefault();
          setActive(active + 1 < options.length ? active + 1 : 0);
          return;
        case "ArrowUp":
          if (!expanded) return;
          event.preventDefault();
          setActive(active > 0 ? active - 1 : options.length - 1);
          return;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            go(active);
          }
          return; // no active option: the form submits the search as usual
        case "Escape":
          if (expanded || !status.hidden) {
            event.preventDefault(); // closes the popup only; a second Escape clears the box
            cancelPending();
            close();
          }
          return;
        default:
      }
    });

    input.addEventListener("blur", () => { cancelPending(); close(); });
    if (form) form.addEventListener("submit", () => { cancelPending(); close(); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const combo of document.querySelectorAll(".search-combo[data-suggest-url]")) setUp(combo);
  });
})();
