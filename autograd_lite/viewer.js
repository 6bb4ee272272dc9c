(function () {
  // The enclosing viewer: found from this script where it runs in place (a saved page,
  // JupyterLab), by id where the script was moved out to run (classic Notebook's jQuery).
  var script = document.currentScript;
  var root = (script && script.closest && script.closest(".al-steps")) ||
    document.getElementById("__VIEWER_ID__");
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var SVG_NS = "http://www.w3.org/2000/svg";
  var READABLE_PX = 10;  // no text is drawn smaller than this, however far out one zooms
  var MAX_SCALE = 4;
  var frames = Array.prototype.slice.call(root.querySelectorAll("li.al-frame"));
  var forwardCount = frames.filter(function (li) { return data(li, "kind") === "forward"; }).length;
  var backwardCount = frames.filter(function (li) { return data(li, "kind") === "backward"; }).length;

  // The controls exist only where this script runs, so a sanitised copy shows none that do
  // nothing (sanitisers drop the `hidden` attribute along with the script).
  root.querySelector(".al-graph").insertAdjacentHTML("beforebegin",
    '<div class="al-controls" role="toolbar" aria-label="step through">' +
    '<button type="button" class="al-prev" aria-label="previous step">&#9664; Previous</button>' +
    '<div class="al-track"><input type="range" class="al-slider" min="0" value="0"' +
    ' aria-label="step">' +
    '<div class="al-phases" aria-hidden="true">' +
    '<span class="al-phase al-phase-forward" style="flex-grow:' + (forwardCount + 1) + '">forward</span>' +
    '<span class="al-phase al-phase-backward" style="flex-grow:' + (backwardCount + 2) + '">backward</span>' +
    '</div></div>' +
    '<button type="button" class="al-next" aria-label="next step">Next &#9654;</button>' +
    '<span class="al-counter" aria-hidden="true"></span>' +
    '</div>' +
    '<div class="al-now" aria-live="polite"></div>' +
    '<div class="al-view-controls" role="toolbar" aria-label="zoom">' +
    '<button type="button" class="al-zoom-out" aria-label="zoom out">&minus;</button>' +
    '<button type="button" class="al-zoom-in" aria-label="zoom in">+</button>' +
    '<button type="button" class="al-fit" aria-label="fit the graph, keeping text readable">Fit</button>' +
    '<button type="button" class="al-actual" aria-label="zoom to 100 percent">100%</button>' +
    '<span class="al-legend"><span class="al-chip al-chip-focus"></span>changes' +
    '<span class="al-chip al-chip-source"></span>from' +
    '<span class="al-chip al-chip-reads"></span>rule reads' +
    '<span class="al-hint">drag to pan, Ctrl+wheel or pinch to zoom; keys &larr; &rarr; Home End + &minus; 0 F</span></span>' +
    '</div>');
  // JupyterLab says whether its theme is light on <body>; elsewhere the system's choice counts.
  var scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function theme() {
    var light = document.body ? document.body.getAttribute("data-jp-theme-light") : null;
    root.classList.toggle("al-dark", light ? light === "false" : Boolean(scheme && scheme.matches));
  }
  theme();
  if (scheme && scheme.addEventListener) { scheme.addEventListener("change", theme); }
  if (document.body && window.MutationObserver) {
    new MutationObserver(theme).observe(document.body,
      { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  }
  var viewport = root.querySelector(".al-graph");
  var picture = viewport.querySelector("img");
  var alt = picture ? picture.getAttribute("alt") : "";
  var svg = picture ? inline(picture) : null;
  var camera = svg ? addCamera(svg) : null;
  var now = root.querySelector(".al-now");
  var slider = root.querySelector(".al-slider");
  var counter = root.querySelector(".al-counter");
  var previous = root.querySelector(".al-prev");
  var next = root.querySelector(".al-next");
  slider.max = String(frames.length - 1);
  var current = 0;
  var marked = [];
  var view = { x: 0, y: 0, scale: 1 };
  var minScale = readableScale();

  // The graph arrives as an image (it survives sanitisers); inline it so it can be highlighted.
  function inline(picture) {
    try {
      var bytes = atob(picture.getAttribute("src").split(",")[1]);
      var codes = Uint8Array.from(bytes, function (c) { return c.charCodeAt(0); });
      var text = new TextDecoder().decode(codes);
      var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      if (parsed.nodeName !== "svg") { return null; }
      var inlined = document.importNode(parsed, true);
      picture.parentNode.replaceChild(inlined, picture);
      return inlined;
    } catch (error) {
      return null;
    }
  }
  // Pan and zoom move one group around the drawing: its transform is the view.
  function addCamera(picture) {
    var natural = { width: picture.viewBox.baseVal.width, height: picture.viewBox.baseVal.height };
    var group = document.createElementNS(SVG_NS, "g");
    group.setAttribute("class", "al-camera");
    while (picture.firstChild) { group.appendChild(picture.firstChild); }
    picture.appendChild(group);
    picture.removeAttribute("viewBox");
    picture.setAttribute("width", "100%");
    picture.setAttribute("height", "100%");
    picture.setAttribute("role", "img");
    picture.setAttribute("aria-label", alt);
    picture.naturalBox = natural;
    return group;
  }
  // The smallest scale at which the smallest text is still READABLE_PX pixels high.
  function readableScale() {
    if (!svg) { return 1; }
    var sizes = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
      return parseFloat(t.getAttribute("font-size")) || 14;
    });
    // Rounded up to the 4 decimals the transform is written with.
    return Math.ceil(10000 * READABLE_PX / Math.min.apply(null, sizes.concat([14]))) / 10000;
  }
  function apply() {
    if (camera) {
      camera.setAttribute("transform",
        "translate(" + view.x.toFixed(1) + " " + view.y.toFixed(1) + ") scale(" +
        view.scale.toFixed(4) + ")");
    }
  }
  function clampScale(scale) { return Math.max(minScale, Math.min(MAX_SCALE, scale)); }
  // Zoom by `factor` about a point of the viewport (its centre when none is given).
  function zoom(factor, px, py) {
    var box = viewport.getBoundingClientRect();
    if (px === undefined) { px = box.width / 2; py = box.height / 2; }
    var scale = clampScale(view.scale * factor);
    view.x = px - (px - view.x) * (scale / view.scale);
    view.y = py - (py - view.y) * (scale / view.scale);
    view.scale = scale;
    apply();
  }
  // Bring a node to the middle of the viewport (when it is not in view, unless `always`).
  function follow(id, always) { bringIntoView(node(id), always); }
  function bringIntoView(g, always) {
    if (!g) { return; }
    var box = viewport.getBoundingClientRect();
    var r = g.getBoundingClientRect();
    var inside = r.left >= box.left && r.right <= box.right && r.top >= box.top &&
      r.bottom <= box.bottom;
    if (inside && !always) { return; }
    view.x += box.left + box.width / 2 - (r.left + r.width / 2);
    view.y += box.top + box.height / 2 - (r.top + r.height / 2);
    apply();
  }
  // The whole graph if it fits at a readable size, else as much of it as does, around the
  // node the current step is about.
  function fit() {
    if (!svg) { return; }
    var natural = svg.naturalBox;
    // A graph shorter than the viewport at the scale that fits its width gets a shorter one.
    viewport.style.height = "";
    var box = viewport.getBoundingClientRect();
    var height = natural.height * clampScale(Math.min(box.width / natural.width, 1)) + 16;
    if (height < box.height) {
      viewport.style.height = Math.max(height, 240) + "px";
      box = viewport.getBoundingClientRect();
    }
    var scale = Math.min(box.width / natural.width, box.height / natural.height, 1);
    view.scale = clampScale(scale);
    view.x = (box.width - natural.width * view.scale) / 2;
    view.y = (box.height - natural.height * view.scale) / 2;
    apply();
    if (view.scale > scale) { follow(focusOf(frames[current]), true); }
  }
  function actualSize() {
    var box = viewport.getBoundingClientRect();
    zoom(1 / view.scale, box.width / 2, box.height / 2);
    follow(focusOf(frames[current]), false);
  }
  function focusOf(li) { return data(li, "target") || (data(li, "sources").split(" ")[0] || ""); }

  // Neuron and layer boxes fold: a click (or Enter) on a box's title hides the nodes inside it
  // and the edges leaving them. A step about a node inside a folded box unfolds it.
  var boxes = svg ? Array.prototype.map.call(svg.querySelectorAll("g.cluster"), box) : [];
  function box(cluster) {
    var outline = cluster.querySelector("path, polygon").getBBox();
    var inside = function (r) {
      return r.x >= outline.x && r.y >= outline.y && r.x + r.width <= outline.x + outline.width &&
        r.y + r.height <= outline.y + outline.height;
    };
    var members = Array.prototype.filter.call(svg.querySelectorAll("g.node"), function (g) {
      return inside(g.getBBox());
    });
    var inner = Array.prototype.filter.call(svg.querySelectorAll("g.cluster"), function (g) {
      return g !== cluster && inside(g.querySelector("path, polygon").getBBox());
    });
    var names = {};
    members.forEach(function (g) { names[g.querySelector("title").textContent] = true; });
    var edges = Array.prototype.filter.call(svg.querySelectorAll("g.edge"), function (g) {
      return names[g.querySelector("title").textContent.split("->")[0]];
    });
    var title = cluster.querySelector("text");
    var entry = { cluster: cluster, title: title, label: title ? title.textContent : "",
      hidden: members.concat(edges, inner), ids: members.map(function (g) { return g.id; }) };
    if (title) {
      title.setAttribute("tabindex", "0");
      title.setAttribute("role", "button");
      title.setAttribute("aria-expanded", "true");
      title.classList.add("al-fold");
      title.addEventListener("click", function () { fold(entry, !entry.folded); });
      // Focus would scroll the clipped viewport itself; the view moves instead.
      title.addEventListener("focus", function () {
        viewport.scrollTop = 0;
        viewport.scrollLeft = 0;
        bringIntoView(title, false);
      });
    }
    return entry;
  }
  function fold(entry, folded) {
    entry.folded = folded;
    // A node stays hidden while any box around it is folded.
    boxes.forEach(function (b) { b.hidden.forEach(function (g) { g.classList.remove("al-folded"); }); });
    boxes.forEach(function (b) {
      if (b.folded) { b.hidden.forEach(function (g) { g.classList.add("al-folded"); }); }
    });
    entry.cluster.classList.toggle("al-folded-box", folded);
    if (entry.title) {
      entry.title.textContent = entry.label + (folded ? " (" + entry.ids.length + " folded)" : "");
      entry.title.setAttribute("aria-expanded", String(!folded));
    }
  }
  function unfoldAround(id) {
    boxes.forEach(function (entry) {
      if (entry.folded && entry.ids.indexOf(id) >= 0) { fold(entry, false); }
    });
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
  function ids(li, key) { return data(li, key).split(" ").filter(Boolean); }
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
    var backward = data(li, "kind") === "backward";
    ids(li, "sources").concat(ids(li, "reads"), [data(li, "target")]).forEach(unfoldAround);
    ids(li, "sources").forEach(function (id) { mark(id, "al-source"); });
    ids(li, "reads").forEach(function (id) { mark(id, "al-reads"); });
    ids(li, "active").forEach(function (id) {
      mark(id, "al-active");
      if (backward) { mark(id, "al-backward"); }
    });
    mark(data(li, "target"), "al-focus");
    var changed = field(data(li, "target"), data(li, "field"));
    if (changed) { changed.classList.add("al-changed"); }
    var copy = li.cloneNode(true);
    while (now.firstChild) { now.removeChild(now.firstChild); }
    while (copy.firstChild) { now.appendChild(copy.firstChild); }
    now.setAttribute("data-kind", data(li, "kind"));
    frames.forEach(function (f, j) { f.classList.toggle("al-current", j === k); });
    slider.value = String(k);
    var title = li.querySelector(".al-title");
    slider.setAttribute("aria-valuetext", "step " + (k + 1) + " of " + frames.length + ": " +
      (title ? title.textContent : ""));
    counter.textContent = (k + 1) + " / " + frames.length;
    // A button that becomes disabled would drop the focus to the page: keep it in the viewer.
    var focused = document.activeElement;
    previous.disabled = k === 0;
    next.disabled = k === frames.length - 1;
    if ((focused === previous || focused === next) && focused.disabled) { root.focus(); }
    follow(focusOf(li), false);
  }
  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  root.querySelector(".al-zoom-in").addEventListener("click", function () { zoom(1.25); });
  root.querySelector(".al-zoom-out").addEventListener("click", function () { zoom(0.8); });
  root.querySelector(".al-fit").addEventListener("click", fit);
  root.querySelector(".al-actual").addEventListener("click", actualSize);
  frames.forEach(function (li, j) {
    li.addEventListener("click", function () { show(j); });
  });
  // Ctrl+wheel (a pinch on a touchpad arrives as one) zooms about the pointer; a plain wheel
  // scrolls the page as usual.
  viewport.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !event.metaKey) { return; }
    event.preventDefault();
    var box = viewport.getBoundingClientRect();
    zoom(Math.exp(-event.deltaY * 0.002), event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  var drag = null;
  viewport.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || event.target.classList.contains("al-fold")) { return; }
    drag = { x: event.clientX, y: event.clientY };
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add("al-dragging");
  });
  viewport.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    view.x += event.clientX - drag.x;
    view.y += event.clientY - drag.y;
    drag = { x: event.clientX, y: event.clientY };
    apply();
  });
  function endDrag() { drag = null; viewport.classList.remove("al-dragging"); }
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);

  // Keys are taken on the window in the capture phase: Notebook 7 handles them on the document
  // in that phase, before they reach the viewer. Only keys aimed inside this viewer are taken:
  // its own keys step and zoom; other plain keys are kept from the notebook (so `b` does not
  // insert a cell) but do their usual thing; Tab, Escape and shortcuts with Ctrl, Alt or Meta
  // (Shift+Enter too) pass on.
  function onKey(event) {
    if (!root.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    if (!root.contains(event.target)) { return; }
    if (event.ctrlKey || event.altKey || event.metaKey || event.key === "Tab" ||
      event.key === "Escape" || (event.shiftKey && event.key === "Enter")) { return; }
    event.stopPropagation();
    if (event.target === slider) { return; }
    var toggle = boxes.filter(function (entry) { return entry.title === event.target; })[0];
    if (toggle && (event.key === "Enter" || event.key === " ")) {
      fold(toggle, !toggle.folded);
      event.preventDefault();
      return;
    }
    var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (event.key in moves) { show(current + moves[event.key]); }
    else if (event.key === "Home") { show(0); }
    else if (event.key === "End") { show(frames.length - 1); }
    else if (event.key === "+" || event.key === "=") { zoom(1.25); }
    else if (event.key === "-") { zoom(0.8); }
    else if (event.key === "0") { actualSize(); }
    else if (event.key === "f" || event.key === "F") { fit(); }
    else { return; }
    event.preventDefault();
  }
  window.addEventListener("keydown", onKey, true);
  root.querySelector(".al-all").open = false;
  root.classList.add("al-live");
  show(0);
  fit();
})();
