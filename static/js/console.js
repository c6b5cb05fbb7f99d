// Agent console (docs/protocol.md): live inbox counts, and the conversation view with
// replies, internal notes, canned replies, typing and read receipts. Uses chat.js's client.
(function () {
  "use strict";

  function inbox(root) {
    var live = root.querySelector("[data-testid=inbox-live]");
    var status = root.querySelector("select[data-autosubmit]");
    if (status) { status.addEventListener("change", function () { status.form.submit(); }); }
    new window.HelpdeskChatClient({
      conversations: [],
      onStatus: function (state) { live.textContent = state === "open" ? "" : "…"; },
      onFrame: function (f) {
        if (f.type !== "inbox") { return; }
        Object.keys(f.counts).forEach(function (k) {
          var el = root.querySelector("[data-count=" + k + "]");
          if (el) { el.textContent = f.counts[k]; }
        });
      }
    });
  }

  function conversation(root) {
    var ref = root.dataset.reference;
    var log = root.querySelector(".chat-log");
    var input = root.querySelector("#console-input");
    var note = root.querySelector("#console-note");
    var typing = root.querySelector("[data-testid=console-typing]");
    var stateEl = root.querySelector("[data-testid=console-state]");
    var errorEl = root.querySelector("[data-testid=console-error]");
    var fileInput = root.querySelector("#console-file");
    var customerRead = 0, lastTyping = 0, typingTimer = null;
    var history = JSON.parse(document.getElementById("console-history").textContent);

    function render(m) {
      if (log.querySelector("[data-seq='" + m.seq + "']")) { return; }
      var li = document.createElement("li");
      li.className = "chat-msg chat-" + m.author_role + " kind-" + m.kind;
      li.dataset.seq = m.seq; li.dataset.testid = "console-message";
      var who = document.createElement("span"); who.className = "chat-author";
      who.textContent = (m.kind === "note" ? "🔒 " : "") + (m.author_name || m.author_role);
      var body = document.createElement("span"); body.className = "chat-body";
      body.textContent = m.body;
      li.appendChild(who); li.appendChild(body);
      (m.attachments || []).forEach(function (a) {
        var img = document.createElement("img"); img.src = a.url; img.alt = a.name;
        img.className = "chat-image"; li.appendChild(img);
      });
      if (m.author_role === "agent" && m.kind === "message") {
        var r = document.createElement("span"); r.className = "chat-receipt";
        r.dataset.testid = "console-receipt";
        r.textContent = m.seq <= customerRead ? "✓✓" : "✓"; li.appendChild(r);
      }
      log.appendChild(li);
      li.scrollIntoView({block: "end"});
    }

    var client = new window.HelpdeskChatClient({
      conversations: [ref],
      onStatus: function () {},
      onFrame: function (f) {
        if (f.type === "message" && f.conversation === ref) {
          render(f);
          if (f.author_role === "customer") { client.raw({type: "read", conversation: ref, seq: f.seq}); typing.hidden = true; }
        } else if (f.type === "typing" && f.role === "customer") {
          typing.hidden = false; clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typing.hidden = true; }, 4000);
        } else if (f.type === "read" && f.role === "customer") {
          customerRead = Math.max(customerRead, f.seq);
          log.querySelectorAll("[data-testid=console-receipt]").forEach(function (r) {
            if (Number(r.parentNode.dataset.seq) <= customerRead) { r.textContent = "✓✓"; }
          });
        } else if (f.type === "state" && f.conversation === ref) {
          stateEl.textContent = f.status_display + (f.assignee ? " · " + f.assignee : "");
          customerRead = Math.max(customerRead, f.read.customer || 0);
        } else if (f.type === "error") {
          errorEl.textContent = f.message || f.code; errorEl.hidden = false;
        }
      }
    });
    history.forEach(function (m) {
      render(m);
      client.lastSeq[ref] = Math.max(client.lastSeq[ref] || 0, m.seq);
    });

    root.querySelector("#console-canned").addEventListener("change", function (ev) {
      if (ev.target.value) { input.value = ev.target.value; input.focus(); }
    });
    root.querySelector(".console-compose").addEventListener("submit", function (ev) {
      ev.preventDefault();
      errorEl.hidden = true;
      var body = input.value.trim();
      if (body) { client.send(ref, body, note.checked); input.value = ""; }
      var file = fileInput.files[0];
      if (file) {
        var data = new FormData();
        data.append("file", file); data.append("client_id", client.newId());
        fetch(root.dataset.uploadUrl, {method: "POST", body: data, credentials: "same-origin",
          headers: {"X-CSRFToken": window.HelpdeskCsrf(root), Accept: "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (res) { if (res.type === "error") { errorEl.textContent = res.message; errorEl.hidden = false; } });
        fileInput.value = "";
      }
    });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (!note.checked && now - lastTyping > 2000) {
        lastTyping = now; client.raw({type: "typing", conversation: ref});
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-console]");
    if (!root || !window.HelpdeskChatClient) { return; }
    if (root.dataset.console === "inbox") { inbox(root); } else { conversation(root); }
  });
})();
