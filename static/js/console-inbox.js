// Agent console, the inbox's rows and new-chat alerts (helpdesk/console/inbox.py).
// console.js fetches the rows JSON and calls HelpdeskConsoleInbox.draw(data, tbody); every
// inbox frame goes to HelpdeskConsoleInbox.onInbox(frame). Strings come from the page's
// <template id="console-inbox-i18n"> and <template id="console-alerts-i18n">; user text only
// through textContent. The alert sound is made with WebAudio (no file, no CDN).
(function () {
  "use strict";

  var STORE = "helpdesk.console.notify";

  function data(id) {
    var el = document.getElementById(id);
    return el ? el.dataset : {};
  }

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return String(values[k]); });
  }

  function csrf() {
    var input = document.querySelector("#inbox-bulk input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function draw(res, tbody) {
    var w = data("console-inbox-i18n");
    var empty = (data("console-i18n").empty) || "";
    var frag = document.createDocumentFragment();
    var checked = {};
    tbody.querySelectorAll("input[data-testid=select-row]:checked").forEach(function (c) {
      checked[c.value] = true;
    });
    res.rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.dataset.reference = r.reference; tr.dataset.status = r.status;
      var td = document.createElement("td");
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = "conversation"; box.value = r.reference;
      box.setAttribute("form", "inbox-bulk"); box.setAttribute("aria-label", r.reference);
      box.dataset.testid = "select-row"; box.checked = !!checked[r.reference];
      td.appendChild(box); tr.appendChild(td);
      var th = document.createElement("th"); th.scope = "row";
      var a = cell("a", r.reference); a.href = r.url; th.appendChild(a); tr.appendChild(th);
      [r.customer, r.channel, r.topic, r.priority, r.tier, r.status_display, r.assignee || "—"]
        .forEach(function (text) { tr.appendChild(cell("td", text)); });
      var sla = document.createElement("td");
      var badge = cell("span", r.sla_display); badge.className = "sla sla-" + r.sla;
      sla.appendChild(badge); tr.appendChild(sla);
      var tags = document.createElement("td");
      r.tags.forEach(function (name) {
        var tag = cell("span", name); tag.className = "console-tag";
        tags.appendChild(tag); tags.appendChild(document.createTextNode(" "));
      });
      tr.appendChild(tags);
      tr.appendChild(cell("td", r.since));
      var act = document.createElement("td");
      if (r.take_url) {
        var form = document.createElement("form");
        form.method = "post"; form.action = r.take_url; form.className = "inline-form";
        var token = document.createElement("input");
        token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf();
        var button = cell("button", w.take); button.type = "submit";
        button.dataset.testid = "take";
        form.appendChild(token); form.appendChild(button); act.appendChild(form);
      }
      tr.appendChild(act);
      frag.appendChild(tr);
    });
    if (!res.rows.length) {
      var none = document.createElement("tr"); none.dataset.empty = "";
      var td0 = cell("td", empty); td0.colSpan = 13; none.appendChild(td0);
      frag.appendChild(none);
    }
    tbody.textContent = "";
    tbody.appendChild(frag);
    var showing = document.querySelector("[data-testid=inbox-showing]");
    if (showing && showing.firstChild) {
      showing.firstChild.textContent = format(w.showing, {first: res.first, last: res.last,
                                                          total: res.total}) + " ";
    }
  }

  // --- New-chat alerts ------------------------------------------------------------------
  var lastWaiting = null;
  var audio = null;

  function beep() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    try {
      audio = audio || new Ctx();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "sine"; osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.4);
    } catch (e) { /* no sound: the list still changes */ }
  }

  function optedIn() {
    try { return window.localStorage.getItem(STORE) === "1"; } catch (e) { return false; }
  }

  function remember(on) {
    try { window.localStorage.setItem(STORE, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }

  function notify(count) {
    var al = data("console-alerts-i18n");
    if (!optedIn() || !("Notification" in window) || Notification.permission !== "granted") {
      return;
    }
    try {
      new Notification(al.title, {body: format(al.body, {count: count}), tag: "helpdesk-new"});
    } catch (e) { /* some browsers only notify from a service worker */ }
  }

  function onInbox(frame) {
    var waiting = frame.counts && frame.counts.waiting;
    if (typeof waiting !== "number") { return; }
    if (lastWaiting !== null && waiting > lastWaiting) {
      document.body.dataset.newChatAlerts = String(Number(document.body.dataset.newChatAlerts || 0) + 1);
      beep();
      notify(waiting);
    }
    lastWaiting = waiting;
  }

  function setupToggle() {
    var button = document.querySelector("[data-alerts-toggle]");
    var state = document.querySelector("[data-alerts-state]");
    if (!button) { return; }
    var al = data("console-alerts-i18n");
    function show() {
      var granted = "Notification" in window && Notification.permission === "granted";
      var on = optedIn() && granted;
      button.textContent = on ? al.disable : al.off;
      button.dataset.on = on ? "1" : "0";
      state.textContent = on ? al.on :
        ("Notification" in window && Notification.permission === "denied" ? al.denied : "");
    }
    button.addEventListener("click", function () {
      if (audio && audio.state === "suspended") { audio.resume(); }
      if (optedIn()) { remember(false); show(); return; }
      if (!("Notification" in window)) { state.textContent = al.denied; return; }
      Promise.resolve(Notification.requestPermission()).then(function (p) {
        remember(p === "granted"); show();
      });
    });
    show();
  }

  // A browser plays sound only after the page had a gesture: any click prepares it.
  document.addEventListener("click", function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) { try { audio = new Ctx(); } catch (e) { audio = null; } }
  }, {once: true});
  document.addEventListener("DOMContentLoaded", setupToggle);

  window.HelpdeskConsoleInbox = {draw: draw, onInbox: onInbox};
})();
