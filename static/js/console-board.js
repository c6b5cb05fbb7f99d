// The live board (templates/admin/console/board.html; helpdesk/console/board.py). Draws every
// figure from GET board/data/ and fetches it again on each `inbox` frame of /ws/chat/
// (docs/protocol.md) and every 30 seconds, since waits and due times move with the clock.
// One request in flight at a time; frames that arrive meanwhile cause one more fetch after it.
// Strings come from the page's <template id="console-i18n">; all text via textContent.
(function () {
  "use strict";

  var REFRESH_MS = 30000;

  function strings() {
    var el = document.getElementById("console-i18n");
    return el ? el.dataset : {};
  }

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text === null || text === undefined ? "" : String(text);
    return el;
  }

  function pick(data, path) {
    return path.split(".").reduce(function (v, k) { return v === null || v === undefined ? v : v[k]; }, data);
  }

  function fillTable(root, testid, rows, width, makeRow) {
    var t = strings();
    var tbody = root.querySelector("[data-testid=" + testid + "] tbody");
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(makeRow(r)); });
    if (!rows.length) {
      var tr = document.createElement("tr"); tr.dataset.empty = "";
      var td = cell("td", t.empty); td.colSpan = width; tr.appendChild(td);
      frag.appendChild(tr);
    }
    tbody.textContent = "";
    tbody.appendChild(frag);
  }

  function row(values) {
    var tr = document.createElement("tr");
    values.forEach(function (v) { tr.appendChild(cell("td", v)); });
    return tr;
  }

  function board(root) {
    var t = strings();
    var live = root.querySelector("[data-testid=board-live]");
    var url = root.dataset.boardUrl;
    var loading = false, again = false;

    function draw(data) {
      root.querySelectorAll("[data-field]").forEach(function (el) {
        var v = pick(data, el.dataset.field);
        if (el.dataset.field === "today.good_share") { v = v === null ? "" : v + "%"; }
        el.textContent = v === "" || v === null || v === undefined ? t.none : String(v);
      });
      fillTable(root, "board-queue", data.queue.rows, 4, function (r) {
        return row([r.channel, r.topic, r.waiting, r.oldest_wait]);
      });
      fillTable(root, "board-agents", data.agents.rows, 4, function (r) {
        var tr = row([r.name, r.presence_display, r.open, r.chats + " / " + r.max_chats]);
        tr.dataset.presence = r.presence;
        tr.children[1].className = "presence-" + r.presence;
        return tr;
      });
      fillTable(root, "board-sla", data.sla.rows, 5, function (r) {
        var tr = document.createElement("tr");
        tr.dataset.reference = r.reference;
        if (r.breached) { tr.className = "breached"; }
        var th = document.createElement("th"); th.scope = "row";
        var a = cell("a", r.reference); a.href = r.url; th.appendChild(a); tr.appendChild(th);
        [r.customer, r.assignee || t.none, r.due, r.state].forEach(function (v) {
          tr.appendChild(cell("td", v));
        });
        return tr;
      });
      root.dataset.loaded = "1";
    }

    function refresh() {
      if (loading) { again = true; return; }
      loading = true;
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; })
        .then(function (data) {
          if (data) { draw(data); }
          loading = false;
          if (again) { again = false; refresh(); }
        });
    }

    refresh();
    window.setInterval(refresh, REFRESH_MS);
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
        if (f.type === "inbox") { refresh(); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-console=board]");
    if (root) { board(root); }
  });
}());
