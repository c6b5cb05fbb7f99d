// The live chat client shared by the customer chat (chat.js) and the agent console
// (console.js), loaded before them: one socket that joins with last_seq, reconnects with
// backoff, resends unacknowledged messages (docs/protocol.md), and the page pieces both draw
// alike. It shows no words of its own; user text only through textContent.
(function () {
  "use strict";

  function ChatClient(opts) {
    this.opts = opts;                // {onFrame, onStatus, conversations: [ref]}
    this.lastSeq = {};               // ref -> highest seq received
    this.outbox = {};                // client_id -> frame, until acked
    this.backoff = 500;
    this.lastTyping = 0;             // when the last typing frame went out
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
    this.lastTyping = 0;   // the next keystroke starts a new bout of typing
    return frame.client_id;
  };
  // At most one typing frame every two seconds.
  ChatClient.prototype.typing = function (ref) {
    var now = Date.now();
    if (now - this.lastTyping > 2000) {
      this.lastTyping = now; this.raw({type: "typing", conversation: ref});
    }
  };
  window.HelpdeskChatClient = ChatClient;

  function csrfToken(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  window.HelpdeskCsrf = csrfToken;

  // A message's attachments: images shown inline (opening in a new tab), any other file a
  // download link. testids: optional {file, image} data-testid values.
  function appendAttachments(li, attachments, testids) {
    testids = testids || {};
    (attachments || []).forEach(function (a) {
      var link = document.createElement("a"); link.href = a.url;
      if (a.image === false) {  // any other file: a download link, never shown inline
        link.className = "chat-file";
        if (testids.file) { link.dataset.testid = testids.file; }
        link.setAttribute("download", a.name); link.textContent = a.name;
        li.appendChild(link); return;
      }
      link.target = "_blank"; link.rel = "noopener";
      var img = document.createElement("img"); img.src = a.url; img.alt = a.name;
      img.className = "chat-image";
      if (testids.image) { img.dataset.testid = testids.image; }
      link.appendChild(img); li.appendChild(link);
    });
  }

  // POST a file to root's data-upload-url; resolves to the JSON answer (the message arrives
  // over the socket; an {type: "error"} answer says why not).
  function upload(root, file, clientId) {
    var data = new FormData();
    data.append("file", file); data.append("client_id", clientId);
    return fetch(root.dataset.uploadUrl, {method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(root), Accept: "application/json"}})
      .then(function (r) { return r.json(); });
  }

  // Enter sends, Shift+Enter starts a new line.
  function submitOnEnter(input, form) {
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
    });
  }

  // "Typing…": shown on a typing frame, hidden four seconds after the last one.
  function typingIndicator(el) {
    var timer = null;
    return {
      show: function () {
        el.hidden = false; clearTimeout(timer);
        timer = setTimeout(function () { el.hidden = true; }, 4000);
      },
      hide: function () { el.hidden = true; }
    };
  }

  window.HelpdeskChatUi = {appendAttachments: appendAttachments, upload: upload,
                           submitOnEnter: submitOnEnter, typingIndicator: typingIndicator};
})();
