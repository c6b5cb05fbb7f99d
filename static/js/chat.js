// Customer live chat (docs/protocol.md) and the pre-chat form's article suggestions.
// No innerHTML with user text anywhere: every text goes through textContent.
(function () {
  "use strict";

  // ---- Shared client: one socket, joins, resends unacknowledged messages -----------------
  function ChatClient(opts) {
    this.opts = opts;                // {onFrame, onStatus, conversations: [ref]}
    this.lastSeq = {};               // ref -> highest seq received
    this.outbox = {};                // client_id -> frame, until acked
    this.backoff = 500;
    this.connect();
  }
  ChatClient.prototype.connect = function () {
    var self = this;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + (self.opts.path || "/ws/chat/"));
    self.ws = ws;
    ws.onopen = function () {
      self.backoff = 500;
      self.opts.onStatus("open");
      (self.opts.conversations || []).forEach(function (ref) { self.join(ref); });
      Object.keys(self.outbox).forEach(function (id) { self.raw(self.outbox[id]); });
    };
    ws.onmessage = function (ev) {
      var frame;
      try { frame = JSON.parse(ev.data); } catch (e) { return; }
      if (frame.type === "message") {
        var last = self.lastSeq[frame.conversation] || 0;
        if (frame.seq <= last) { return; }         // already shown: exactly once
        self.lastSeq[frame.conversation] = frame.seq;
      } else if (frame.type === "ack") {
        delete self.outbox[frame.client_id];
      } else if (frame.type === "heartbeat") {
        Object.keys(frame.conversations).forEach(function (ref) {
          if (frame.conversations[ref] > (self.lastSeq[ref] || 0)) { self.join(ref); }
        });
      } else if (frame.type === "error" && frame.client_id && frame.code !== "rate_limited" &&
                 frame.code !== "server_error") {
        delete self.outbox[frame.client_id];     // a final refusal: do not resend
      }
      self.opts.onFrame(frame);
    };
    ws.onclose = function (ev) {
      self.opts.onStatus("closed", ev.code);
      if (ev.code === 4401 || ev.code === 4403) { return; }
      setTimeout(function () { self.connect(); }, self.backoff);
      self.backoff = Math.min(self.backoff * 2, 15000);
    };
  };
  ChatClient.prototype.raw = function (frame) {
    if (this.ws && this.ws.readyState === 1) { this.ws.send(JSON.stringify(frame)); }
  };
  ChatClient.prototype.join = function (ref) {
    if (this.opts.conversations.indexOf(ref) < 0) { this.opts.conversations.push(ref); }
    this.raw({type: "join", conversation: ref, last_seq: this.lastSeq[ref] || 0});
  };
  ChatClient.prototype.newId = function () {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  };
  ChatClient.prototype.send = function (ref, body, internal) {
    var frame = {type: "send", conversation: ref, client_id: this.newId(), body: body};
    if (internal) { frame.internal = true; }
    this.outbox[frame.client_id] = frame;
    this.raw(frame);
    return frame.client_id;
  };
  window.HelpdeskChatClient = ChatClient;

  function csrfToken(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  window.HelpdeskCsrf = csrfToken;

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
    var typingTimer = null, lastTyping = 0, agentRead = 0, pendingRead = 0;
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
      (m.attachments || []).forEach(function (a) {
        var link = document.createElement("a"); link.href = a.url;
        if (a.image === false) {  // any other file: a download link, never shown inline
          link.className = "chat-file"; link.dataset.testid = "chat-file";
          link.setAttribute("download", a.name); link.textContent = a.name;
          li.appendChild(link); return;
        }
        link.target = "_blank"; link.rel = "noopener";
        var img = document.createElement("img"); img.src = a.url; img.alt = a.name;
        img.className = "chat-image"; img.dataset.testid = "chat-image";
        link.appendChild(img); li.appendChild(link);
      });
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

    var client = new ChatClient({
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
          if (f.author_role !== "customer") { sendRead(f.seq); typingEl.hidden = true; }
        } else if (f.type === "state") { renderState(f); }
        else if (f.type === "typing" && f.role === "agent") {
          typingEl.hidden = false; clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typingEl.hidden = true; }, 4000);
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
      var id = client.send(ref, body);
      lastTyping = 0;   // the next keystroke starts a new bout of typing
      renderMessage({client_id: id, author_role: "customer", kind: "message", body: body,
                     seq: Infinity, attachments: []});
      rows[id].querySelector(".chat-receipt").textContent = t.sending;
      input.value = "";
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault(); root.querySelector(".chat-compose").requestSubmit();
      }
    });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000) { lastTyping = now; client.raw({type: "typing", conversation: ref}); }
    });
    fileInput.addEventListener("change", function () {
      var file = fileInput.files[0];
      if (!file) { return; }
      var data = new FormData();
      data.append("file", file);
      data.append("client_id", client.newId());
      showError("");
      fetch(root.dataset.uploadUrl, {method: "POST", body: data, credentials: "same-origin",
                                     headers: {"X-CSRFToken": csrfToken(root), Accept: "application/json"}})
        .then(function (r) { return r.json(); })
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
