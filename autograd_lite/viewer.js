(function () {
  // The enclosing viewer: found from this script where it runs in place (a saved page,
  // JupyterLab), by id where the script was moved out to run (classic Notebook's jQuery).
  var script = document.currentScript;
  var root = (script && script.closest && script.closest(".al-steps")) ||
    document.getElementById("__VIEWER_ID__");
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var CONTROLS_HTML = "<div class=\"al-controls\">\n" +
    "<button type=\"button\" class=\"al-prev\" aria-label=\"previous step\">&#9664; Previous</button>\n" +
    "<input type=\"range\" class=\"al-slider\" min=\"0\" value=\"0\" aria-label=\"step\">\n" +
    "<button type=\"button\" class=\"al-next\" aria-label=\"next step\">Next &#9654;</button>\n" +
    "<span class=\"al-counter\"></span>\n" +
    "<span class=\"al-legend\"><span class=\"al-chip al-chip-focus\"></span>changes\n" +
    "<span class=\"al-chip al-chip-source\"></span>reads\n" +
    "<span class=\"al-keys\">(&larr; &rarr; keys)</span></span>\n" +
    "</div>\n" +
    "<div class=\"al-now\" aria-live=\"polite\"></div>";
  var frames = Array.prototype.slice.call(root.querySelectorAll("li.al-frame"));
  // The controls exist only where this script runs, so a sanitised copy shows none that do
  // nothing (sanitisers drop the `hidden` attribute along with the script).
  root.querySelector(".al-graph").insertAdjacentHTML("beforebegin", CONTROLS_HTML);
  var svg = inline(root.querySelector(".al-graph img"));
  var now = root.querySelector(".al-now");
  var slider = root.querySelector(".al-slider");
  var counter = root.querySelector(".al-counter");
  var previous = root.querySelector(".al-prev");
  var next = root.querySelector(".al-next");
  slider.max = String(frames.length - 1);
  var current = 0;
  var marked = [];

  // The graph arrives as an image (it survives sanitisers); inline it so it can be highlighted.
  function inline(picture) {
    try {
      var bytes = atob(picture.getAttribute("src").split(",")[1]);
      var codes = Uint8Array.from(bytes, function (c) { return c.charCodeAt(0); });
      var text = new TextDecoder().decode(codes);
      var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      if (parsed.nodeName !== "svg") { return null; }
      var svg = document.importNode(parsed, true);
      picture.parentNode.replaceChild(svg, picture);
      return svg;
    } catch (error) {
      return null;
    }
  }
  function data(li, key) { return li.getAttribute("data-" + key) || ""; }
  function node(id) { return id && svg ? svg.querySelector('g[id="' + id + '"]') : null; }
  // A record's texts are [label,] data, grad: the field is counted from the end.
  function field(id, name) {
    var g = node(id);
    if (!g || !name) { return null; }
    var texts = g.querySelectorAll("text");
    var k = texts.length - (name === "grad" ? 1 : 2);
    return k >= 0 ? texts[k] : null;
  }
  var initial = [];
  var seen = {};
  frames.forEach(function (li) {
    var key = data(li, "target") + " " + data(li, "field");
    var text = field(data(li, "target"), data(li, "field"));
    if (text && !seen[key]) { seen[key] = true; initial.push([text, data(li, "before")]); }
  });
  function mark(id, name) {
    var g = node(id);
    if (g) { g.classList.add(name); marked.push([g, name]); }
  }
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    current = k;
    initial.forEach(function (pair) {
      pair[0].textContent = pair[1];
      pair[0].classList.remove("al-changed");
    });
    for (var i = 1; i <= k; i++) {
      var text = field(data(frames[i], "target"), data(frames[i], "field"));
      if (text) { text.textContent = data(frames[i], "after"); }
    }
    marked.forEach(function (pair) { pair[0].classList.remove(pair[1]); });
    marked = [];
    var li = frames[k];
    data(li, "sources").split(" ").forEach(function (id) { mark(id, "al-source"); });
    data(li, "active").split(" ").forEach(function (id) { mark(id, "al-active"); });
    mark(data(li, "target"), "al-focus");
    var changed = field(data(li, "target"), data(li, "field"));
    if (changed) { changed.classList.add("al-changed"); }
    var copy = li.cloneNode(true);
    while (now.firstChild) { now.removeChild(now.firstChild); }
    while (copy.firstChild) { now.appendChild(copy.firstChild); }
    now.setAttribute("data-kind", data(li, "kind"));
    frames.forEach(function (f, j) { f.classList.toggle("al-current", j === k); });
    slider.value = String(k);
    counter.textContent = (k + 1) + " / " + frames.length;
    previous.disabled = k === 0;
    next.disabled = k === frames.length - 1;
  }
  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  frames.forEach(function (li, j) {
    li.addEventListener("click", function () { show(j); });
  });
  // Keys are taken on the window in the capture phase: Notebook 7 handles them on the document
  // in that phase, before they reach the viewer. Only keys aimed inside this viewer are taken.
  function onKey(event) {
    if (!root.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    if (!root.contains(event.target)) { return; }
    if (event.target === slider) { event.stopPropagation(); return; }
    var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (event.key in moves) { show(current + moves[event.key]); }
    else if (event.key === "Home") { show(0); }
    else if (event.key === "End") { show(frames.length - 1); }
    else { return; }
    event.preventDefault();
    event.stopPropagation();
  }
  window.addEventListener("keydown", onKey, true);
  root.querySelector(".al-all").open = false;
  root.classList.add("al-live");
  show(0);
})();
