// Collision detection in the console's conversation view (docs/protocol.md, the `viewing`
// frame): tells the other agents that this one has the conversation open, and shows who else
// is viewing or typing in it. Uses the socket console.js opened (root.consoleClient) and the
// frames it re-dispatches as "console:frame". Words come from <template id="story-i18n">;
// names only through textContent.
(function () {
  "use strict";

  var ANNOUNCE_MS = 20000;    // repeat "I am viewing" while the page stays open
  var EXPIRE_MS = 50000;      // forget a viewer not heard of for this long (a lost "left")
  var TYPING_MS = 5000;       // "is typing" shows this long after the last typing frame
  var MAX_SHOWN = 5;          // names listed; the rest are counted

  function start(root) {
    var el = document.getElementById("story-i18n");
    var t = el ? el.dataset : {};
    var out = root.querySelector("[data-testid=story-presence]");
    var ref = root.dataset.reference;
    var people = {};   // user id -> {name, viewing: until, typing: until}
    var lastAnnounce = 0;
    var pending = false;  // a re-announcement for a newcomer is scheduled
    if (!out) { return; }

    function client() { return root.consoleClient; }

    function announce(active) {
      var c = client();
      if (!c) { return; }
      if (active) { lastAnnounce = Date.now(); }
      c.raw({type: "viewing", conversation: ref, active: active});
    }

    function draw() {
      var now = Date.now();
      var lines = [];
      Object.keys(people).forEach(function (id) {
        var p = people[id];
        if (p.typing > now) { lines.push(t.typing.replace("{name}", p.name)); }
        else if (p.viewing > now) { lines.push(t.viewing.replace("{name}", p.name)); }
        else { delete people[id]; }
      });
      out.textContent = "";
      lines.slice(0, MAX_SHOWN).forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line;
        li.dataset.testid = "story-presence-item";
        out.appendChild(li);
      });
      if (lines.length > MAX_SHOWN) {
        var more = document.createElement("li");
        more.textContent = t.more.replace("{count}", String(lines.length - MAX_SHOWN));
        out.appendChild(more);
      }
      out.hidden = !lines.length;
    }

    function person(id, name) {
      var key = String(id || name);
      if (!people[key]) { people[key] = {name: name, viewing: 0, typing: 0}; }
      people[key].name = name;
      return people[key];
    }

    root.addEventListener("console:frame", function (ev) {
      var f = ev.detail;
      if (f.conversation !== ref) { return; }
      if (f.type === "joined") {
        announce(true);
      } else if (f.type === "viewing") {
        var known = people[String(f.user)] && people[String(f.user)].viewing > Date.now();
        var p = person(f.user, f.name);
        p.viewing = f.active ? Date.now() + EXPIRE_MS : 0;
        if (!f.active) { p.typing = 0; }
        // A newcomer learns at once who is already here; the server forwards one unchanged
        // viewing frame per 2 s, so an announcement made just before waits for its turn.
        if (f.active && !known && !pending) {
          pending = true;
          setTimeout(function () { pending = false; announce(true); },
                     Math.max(0, lastAnnounce + 2100 - Date.now()));
        }
        draw();
      } else if (f.type === "typing" && f.role === "agent") {
        var q = person(f.user, f.name);
        q.typing = Date.now() + TYPING_MS;
        q.viewing = Math.max(q.viewing, Date.now() + EXPIRE_MS);
        draw();
      }
    });
    setInterval(function () {
      if (Date.now() - lastAnnounce >= ANNOUNCE_MS && root.dataset.connected === "1") {
        announce(true);
      }
      draw();
    }, 1000);
    window.addEventListener("pagehide", function () { announce(false); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // After console.js (loaded first, also deferred) has set up the socket.
    var root = document.querySelector("[data-console=conversation]");
    if (root) { setTimeout(function () { start(root); }, 0); }
  });
})();
