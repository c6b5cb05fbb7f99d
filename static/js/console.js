// Agent console (docs/protocol.md): the live inbox (counts and the list of the open tab), and
// the conversation view with replies, internal notes, canned replies, typing and read
// receipts. Uses chat-client.js's client. Every visible string comes from the page's
// <template id="console-i18n"> (translated by Django); user text only through textContent.
(function () {
  "use strict";

  function strings() {
    var el = document.getElementById("console-i18n");
    return el ? el.dataset : {};
  }

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  function inbox(root) {
    var t = strings();
    var live = root.querySelector("[data-testid=inbox-live]");
    var tbody = root.querySelector("[data-testid=inbox] tbody");
    var status = root.querySelector("select[data-autosubmit]");
    var ext = window.HelpdeskConsoleInbox;   // console-inbox.js: filters, tags, Take, alerts
    var rowsUrl = root.dataset.rowsUrl + (ext ? window.location.search || "?" : "?") +
      "&box=" + encodeURIComponent(root.dataset.box);
    var loading = false, again = false;
    if (status) { status.addEventListener("change", function () { status.form.submit(); }); }

    function setCounts(counts) {
      Object.keys(counts).forEach(function (k) {
        var el = root.querySelector("[data-count=" + k + "]");
        if (el) { el.textContent = counts[k]; }
      });
    }

    function draw(rows) {
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) {
        var tr = document.createElement("tr");
        tr.dataset.reference = r.reference; tr.dataset.status = r.status;
        var th = document.createElement("th"); th.scope = "row";
        var a = cell("a", r.reference); a.href = r.url; th.appendChild(a); tr.appendChild(th);
        [r.customer, r.channel, r.topic, r.status_display, r.assignee || "—", r.since]
          .forEach(function (text) { tr.appendChild(cell("td", text)); });
        frag.appendChild(tr);
      });
      if (!rows.length) {
        var empty = document.createElement("tr"); empty.dataset.empty = "";
        var td = cell("td", t.empty); td.colSpan = 7; empty.appendChild(td);
        frag.appendChild(empty);
      }
      tbody.textContent = "";
      tbody.appendChild(frag);
    }

    // One request at a time; a change announced meanwhile fetches once more afterwards.
    function refresh() {
      if (loading) { again = true; return; }
      loading = true;
      fetch(rowsUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; })
        .then(function (data) {
          if (data) { setCounts(data.counts); if (ext) { ext.draw(data, tbody); } else { draw(data.rows); } }
          loading = false;
          if (again) { again = false; refresh(); }
        });
    }

    var opened = false;
    new window.HelpdeskChatClient({
      conversations: [],
      onStatus: function (state) {
        if (state === "open") {
          live.textContent = ""; root.dataset.connected = "1";
          if (opened) { refresh(); }   // changes made while disconnected
          opened = true;
        } else {
          live.textContent = t.reconnecting; root.dataset.connected = "0";
        }
      },
      onFrame: function (f) {
        if (f.type !== "inbox") { return; }
        if (ext) { ext.onInbox(f); } else { setCounts(f.counts); }   // ext: counts are filtered
        refresh();
      }
    });
  }

  function conversation(root) {
    var t = strings();
    var ref = root.dataset.reference;
    var log = root.querySelector(".chat-log");
    var input = root.querySelector("#console-input");
    var note = root.querySelector("#console-note");
    var typing = root.querySelector("[data-testid=console-typing]");
    var stateEl = root.querySelector("[data-testid=console-state]");
    var connEl = root.querySelector("[data-testid=console-connection]");
    var errorEl = root.querySelector("[data-testid=console-error]");
    var fileInput = root.querySelector("#console-file");
    var ui = window.HelpdeskChatUi;
    var typingShown = ui.typingIndicator(typing);
    var customerRead = 0;
    var history = JSON.parse(document.getElementById("console-history").textContent);

    function showError(text) { errorEl.textContent = text; errorEl.hidden = !text; }

    function setReceipt(r, read) {
      r.textContent = read ? "✓✓" : "✓";
      r.title = read ? t.read : t.sent;
      r.setAttribute("aria-label", r.title);
      r.dataset.read = read ? "1" : "0";
    }

    function render(m) {
      if (log.querySelector("[data-seq='" + m.seq + "']")) { return; }
      var li = document.createElement("li");
      li.className = "chat-msg chat-" + m.author_role + " kind-" + m.kind;
      li.dataset.seq = m.seq; li.dataset.testid = "console-message";
      if (m.kind !== "event") {
        var who = cell("span", (m.kind === "note" ? "🔒 " + t.note + " · " : "") +
                       (m.author_name || t[m.author_role] || ""));
        who.className = "chat-author";
        li.appendChild(who);
      }
      var body = cell("span", m.body); body.className = "chat-body";
      li.appendChild(body);
      ui.appendAttachments(li, m.attachments);
      if (m.author_role === "agent" && m.kind === "message") {
        var r = document.createElement("span"); r.className = "chat-receipt";
        r.dataset.testid = "console-receipt";
        setReceipt(r, m.seq <= customerRead); li.appendChild(r);
      }
      log.appendChild(li);
      li.scrollIntoView({block: "end"});
    }

    function markReceipts() {
      log.querySelectorAll("[data-testid=console-receipt]").forEach(function (r) {
        if (Number(r.parentNode.dataset.seq) <= customerRead) { setReceipt(r, true); }
      });
    }

    var client = new window.HelpdeskChatClient({
      conversations: [ref],
      onStatus: function (state) {
        root.dataset.connected = state === "open" ? "1" : "0";
        connEl.textContent = state === "open" ? "" : t.reconnecting;
      },
      onFrame: function (f) {
        // Other scripts of the page (console-story.js: who else is here) hear every frame.
        root.dispatchEvent(new CustomEvent("console:frame", {detail: f}));
        if (f.type === "message" && f.conversation === ref) {
          render(f);
          if (f.author_role === "customer") {
            client.raw({type: "read", conversation: ref, seq: f.seq}); typingShown.hide();
          }
        } else if (f.type === "typing" && f.role === "customer") {
          typingShown.show();
        } else if (f.type === "read" && f.role === "customer") {
          customerRead = Math.max(customerRead, f.seq); markReceipts();
        } else if (f.type === "state" && f.conversation === ref) {
          stateEl.textContent = f.status_display + (f.assignee ? " · " + f.assignee : "");
          customerRead = Math.max(customerRead, (f.read && f.read.customer) || 0);
          markReceipts();
        } else if (f.type === "error") {
          showError(f.message || t.error);
        }
      }
    });
    root.consoleClient = client;
    history.forEach(function (m) {
      render(m);
      client.lastSeq[ref] = Math.max(client.lastSeq[ref] || 0, m.seq);
    });

    root.querySelector("#console-canned").addEventListener("change", function (ev) {
      if (ev.target.value) { input.value = ev.target.value; input.focus(); }
    });
    root.querySelector(".console-compose").addEventListener("submit", function (ev) {
      ev.preventDefault();
      showError("");
      var body = input.value.trim();
      if (body) { client.send(ref, body, note.checked); input.value = ""; }
      var file = fileInput.files[0];
      if (file) {
        ui.upload(root, file, client.newId())
          .then(function (res) { if (res.type === "error") { showError(res.message || t.error); } })
          .catch(function () { showError(t.error); });
        fileInput.value = "";
      }
    });
    ui.submitOnEnter(input, root.querySelector(".console-compose"));
    input.addEventListener("input", function () {
      if (!note.checked) { client.typing(ref); }   // a note is not shown to the customer
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-console]");
    if (!root || !window.HelpdeskChatClient) { return; }
    if (root.dataset.console === "inbox") { inbox(root); } else { conversation(root); }
  });
})();
