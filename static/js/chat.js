// Customer live chat (docs/protocol.md) and the pre-chat form's article suggestions.
// The socket client and the pieces the console draws alike are chat-client.js's, loaded
// before this file on the chat page. No innerHTML with user text: only textContent.
(function () {
  "use strict";

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }

  // ---- Pre-chat form: suggestions as the customer types (tolerates a missing endpoint) ---
  function setupPrechat(form) {
    var box = form.querySelector(".suggestions");
    var list = box && box.querySelector("ul");
    var input = form.querySelector("textarea[data-suggest]");
    if (!box || !input) { return; }
    var timer = null;
    var idField = document.createElement("input");
    idField.type = "hidden"; idField.name = "client_id";
    idField.value = String(Date.now()) + Math.random().toString(16).slice(2);
    form.appendChild(idField);   // a double submit opens one conversation
    var articleField = document.createElement("input");
    articleField.type = "hidden"; articleField.name = "source_article";
    form.appendChild(articleField);  // the suggestion clicked (helpdesk/attribution.py)
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 3) { box.hidden = true; return; }
        fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(q.slice(0, 200)),
              {headers: {Accept: "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .catch(function () { return {results: []}; })
          .then(function (data) {
            list.textContent = "";
            (data.results || []).forEach(function (r) {
              var li = document.createElement("li");
              var a = document.createElement("a");
              a.href = r.url; a.textContent = r.title; a.target = "_blank"; a.rel = "noopener";
              a.addEventListener("click", function () { articleField.value = String(r.id || ""); });
              li.appendChild(a);
              if (r.snippet) {
                var p = document.createElement("p"); p.className = "help";
                p.textContent = r.snippet; li.appendChild(p);
              }
              list.appendChild(li);
            });
            box.hidden = !(data.results || []).length;
          });
      }, 300);
    });
  }

  // ---- The chat page ----------------------------------------------------------------------
  function setupChat(root) {
    var ref = root.dataset.reference;
    var t = document.getElementById("chat-i18n").dataset;
    var log = root.querySelector(".chat-log");
    var input = root.querySelector("#chat-input");
    var fileInput = root.querySelector("#chat-file");
    var errorBox = root.querySelector("[data-testid=chat-error]");
    var statusEl = root.querySelector("[data-testid=chat-status]");
    var queueEl = root.querySelector("[data-testid=chat-queue]");
    var connEl = root.querySelector("[data-testid=chat-connection]");
    var typingEl = root.querySelector("[data-testid=chat-typing]");
    var ratingForm = root.querySelector("[data-testid=chat-rating]");
    var ui = window.HelpdeskChatUi;
    var typing = ui.typingIndicator(typingEl);
    var agentRead = 0, pendingRead = 0;
    var rows = {};   // client_id or "seq:N" -> li

    function showError(text) { errorBox.textContent = text; errorBox.hidden = !text; }

    function renderMessage(m) {
      var li = (m.client_id && rows[m.client_id]) || document.createElement("li");
      li.textContent = "";
      li.className = "chat-msg chat-" + m.author_role + (m.kind === "event" ? " chat-event" : "");
      li.dataset.seq = m.seq;
      li.dataset.testid = "chat-message";
      if (m.kind !== "event") {
        var who = document.createElement("span"); who.className = "chat-author";
        who.textContent = m.author_role === "customer" ? t.you : m.author_name;
        li.appendChild(who);
      }
      var body = document.createElement("span"); body.className = "chat-body";
      body.textContent = m.body; li.appendChild(body);
      ui.appendAttachments(li, m.attachments, {file: "chat-file", image: "chat-image"});
      if (m.author_role === "customer") {
        var mark = document.createElement("span"); mark.className = "chat-receipt";
        mark.dataset.testid = "chat-receipt";
        mark.textContent = m.seq <= agentRead ? t.read : t.sent; li.appendChild(mark);
      }
      if (!li.parentNode) { log.appendChild(li); }
      if (m.client_id) { rows[m.client_id] = li; }
      li.scrollIntoView({block: "end"});
    }

    function markReceipts() {
      log.querySelectorAll(".chat-customer").forEach(function (li) {
        var mark = li.querySelector(".chat-receipt");
        if (mark && Number(li.dataset.seq) <= agentRead) { mark.textContent = t.read; }
      });
    }

    function sendRead(seq) {
      if (document.visibilityState !== "visible") { pendingRead = Math.max(pendingRead, seq); return; }
      client.raw({type: "read", conversation: ref, seq: seq});
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && pendingRead) {
        client.raw({type: "read", conversation: ref, seq: pendingRead}); pendingRead = 0;
      }
    });

    function renderState(s) {
      statusEl.textContent = s.status_display + (s.assignee ? " · " + fmt(t.agent, {name: s.assignee}) : "");
      if (s.queue) {
        var text = fmt(t.waiting, {position: s.queue.position}) + " ";
        if (s.queue.estimated_wait === null) { text += t.waitUnknown; }
        else if (s.queue.estimated_wait === 0) { text += t.waitNow; }
        else { text += fmt(t.waitMinutes, {minutes: Math.max(1, Math.round(s.queue.estimated_wait / 60))}); }
        queueEl.textContent = text; queueEl.hidden = false;
      } else { queueEl.hidden = true; }
      agentRead = Math.max(agentRead, (s.read && s.read.agent) || 0);
      markReceipts();
      var closed = s.status === "resolved" || s.status === "closed";
      if (closed) { ratingForm.hidden = false; connEl.textContent = t.closed; }
    }

    var client = new window.HelpdeskChatClient({
      conversations: [ref],
      onStatus: function (state, code) {
        root.dataset.connected = state === "open" ? "1" : "0";
        if (state === "open") { connEl.textContent = ""; return; }
        if (code === 4401) { location.href = root.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname); return; }
        connEl.textContent = t.reconnecting;
      },
      onFrame: function (f) {
        if (f.type === "message") {
          renderMessage(f);
          if (f.author_role !== "customer") { sendRead(f.seq); typing.hide(); }
        } else if (f.type === "state") { renderState(f); }
        else if (f.type === "typing" && f.role === "agent") {
          typing.show();
        } else if (f.type === "read" && f.role === "agent") {
          agentRead = Math.max(agentRead, f.seq); markReceipts();
        } else if (f.type === "error" && f.code !== "not_found") { showError(f.message || t.error); }
      }
    });

    root.querySelector(".chat-compose").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = input.value.trim();
      if (!body) { return; }
      showError("");
      var id = client.send(ref, body);   // also restarts the typing throttle
      renderMessage({client_id: id, author_role: "customer", kind: "message", body: body,
                     seq: Infinity, attachments: []});
      rows[id].querySelector(".chat-receipt").textContent = t.sending;
      input.value = "";
    });
    ui.submitOnEnter(input, root.querySelector(".chat-compose"));
    input.addEventListener("input", function () { client.typing(ref); });
    fileInput.addEventListener("change", function () {
      var file = fileInput.files[0];
      if (!file) { return; }
      showError("");
      ui.upload(root, file, client.newId())
        .then(function (res) { if (res.type === "error") { showError(res.message || t.error); } })
        .catch(function () { showError(t.reconnecting); });
      fileInput.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var prechat = document.querySelector("[data-testid=prechat-form]");
    if (prechat) { setupPrechat(prechat); }
    var chat = document.getElementById("chat");
    if (chat) { setupChat(chat); }
  });
})();
