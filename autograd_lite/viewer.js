(function () {
  // The enclosing viewer: found from this script where it runs in place (a saved page,
  // JupyterLab), by id where the script was moved out to run (classic Notebook's jQuery).
  var script = document.currentScript;
  var root = (script && script.closest && script.closest(".al-steps")) ||
    document.getElementById("__VIEWER_ID__");
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var SVG_NS = "http://www.w3.org/2000/svg";
  var READABLE_PX = 10;  // the lens never shows text smaller than this
  var MAX_SCALE = 4;
  var PORTRAIT_PX = 600;  // as narrow as this (viewer.css's phone layout too): top to bottom
  var LENS_MAX_SCALE = 1.25;  // the lens zooms in no further than this
  var MARGIN = 24;  // pixels kept around what the lens shows
  var PLAY_MS = 1400;
  var FOLD_ABOVE = 100;  // a network of more Values than this opens folded
  var frames = Array.prototype.slice.call(root.querySelectorAll("li.al-frame"));
  function data(li, key) { return li.getAttribute("data-" + key) || ""; }
  function ids(li, key) { return data(li, key).split(" ").filter(Boolean); }
  var forwardCount = frames.filter(function (li) { return data(li, "kind") === "forward"; }).length;
  var backwardCount = frames.filter(function (li) { return data(li, "kind") === "backward"; }).length;
  var firstBackward = frames.map(function (li) { return data(li, "kind"); }).indexOf("backward");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
  function still() { return Boolean(reduceMotion && reduceMotion.matches); }

  // The controls exist only where this script runs, so a sanitised copy shows none that do
  // nothing (sanitisers drop the `hidden` attribute along with the script).
  root.querySelector(".al-graph").insertAdjacentHTML("beforebegin",
    '<div class="al-controls" role="toolbar" aria-label="step through">' +
    '<button type="button" class="al-prev" aria-label="previous step">&#9664;<span class="al-word"> Previous</span></button>' +
    '<div class="al-track"><input type="range" class="al-slider" min="0" value="0"' +
    ' aria-label="step">' +
    '<div class="al-phases" aria-hidden="true">' +
    '<span class="al-phase al-phase-forward" style="flex-grow:' + (forwardCount + 1) + '">forward</span>' +
    '<span class="al-phase al-phase-backward" style="flex-grow:' + (backwardCount + 2) + '">backward</span>' +
    '</div></div>' +
    '<button type="button" class="al-next" aria-label="next step"><span class="al-word">Next </span>&#9654;</button>' +
    '<button type="button" class="al-play" aria-label="play" aria-pressed="false">Play</button>' +
    '<span class="al-counter" aria-hidden="true"></span>' +
    '</div>' +
    '<div class="al-nav" role="toolbar" aria-label="jump">' +
    '<button type="button" class="al-to-backward" aria-label="jump to the first backward step">Backward &#8676;</button>' +
    '<label class="al-choose-label">node <select class="al-choose" aria-label="a node to follow"></select></label>' +
    '<button type="button" class="al-prev-use" aria-label="previous step touching the chosen node">&#8592; uses</button>' +
    '<button type="button" class="al-next-use" aria-label="next step touching the chosen node">uses &#8594;</button>' +
    '<button type="button" class="al-story" aria-label="the chosen node\'s gradient story: every path\'s product and the sum">Story</button>' +
    '<button type="button" class="al-predict" aria-pressed="false" aria-label="predict each result before it is shown">Predict</button>' +
    '</div>' +
    '<div class="al-now" aria-live="polite"></div>' +
    '<div class="al-view-controls" role="toolbar" aria-label="zoom">' +
    '<button type="button" class="al-zoom-out" aria-label="zoom out">&minus;</button>' +
    '<button type="button" class="al-zoom-in" aria-label="zoom in">+</button>' +
    '<button type="button" class="al-fit" aria-label="the whole graph">Whole</button>' +
    '<button type="button" class="al-lens" aria-label="the current step, up close">Lens</button>' +
    '<button type="button" class="al-actual" aria-label="zoom to 100 percent">100%</button>' +
    '<button type="button" class="al-fold-all" aria-pressed="false" aria-label="fold each neuron into one node">Fold</button>' +
    '<span class="al-legend"><span class="al-chip al-chip-focus"></span>changes' +
    '<span class="al-chip al-chip-source"></span>sends' +
    '<span class="al-chip al-chip-reads"></span>rule reads' +
    '<span class="al-overview-legend"><span class="al-chip al-chip-plus"></span>grad &gt; 0' +
    '<span class="al-chip al-chip-minus"></span>grad &lt; 0 (paler: smaller)</span>' +
    '<span class="al-hint">drag to pan; pinch or Ctrl+wheel to zoom; keys &larr; &rarr; B N S P Q + &minus; W L</span></span>' +
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
  // A viewer as narrow as a phone held upright shows the drawing laid out top to bottom.
  if (picture && picture.getAttribute("data-portrait") && root.clientWidth <= PORTRAIT_PX) {
    picture.setAttribute("src", picture.getAttribute("data-portrait"));
    root.classList.add("al-portrait");
  }
  var foldedPicture = picture ? picture.getAttribute("data-folded") : null;
  var svg = picture ? inline(picture) : null;
  var camera = svg ? addCamera(svg) : null;
  var now = root.querySelector(".al-now");
  var slider = root.querySelector(".al-slider");
  var counter = root.querySelector(".al-counter");
  var previous = root.querySelector(".al-prev");
  var next = root.querySelector(".al-next");
  var play = root.querySelector(".al-play");
  var choose = root.querySelector(".al-choose");
  var predict = root.querySelector(".al-predict");
  slider.max = String(frames.length - 1);
  var current = 0;
  var shown = 0;  // the frame marked current in the list
  var applied = 0;  // the frames whose field changes are written into the drawing: 1..applied
  var marked = [];
  var added = [];  // elements drawn for the current step (edge labels, backward arrowheads)
  var view = { x: 0, y: 0, scale: 1 };
  var nodes = {};
  var edges = {};
  if (svg) {
    Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) { nodes[g.id] = g; });
    Array.prototype.forEach.call(svg.querySelectorAll("g.edge"), function (g) { edges[g.id] = g; });
  }
  var fontPx = smallestFont();
  var readable = Math.ceil(10000 * READABLE_PX / fontPx) / 10000;
  var minScale = readable;

  // The graph arrives as an image (it survives sanitisers); inline it so it can be highlighted.
  function inline(picture) {
    var inlined = parsed(picture.getAttribute("src"));
    if (inlined) { picture.parentNode.replaceChild(inlined, picture); }
    return inlined;
  }
  function parsed(uri) {
    try {
      var bytes = atob(uri.split(",")[1]);
      var codes = Uint8Array.from(bytes, function (c) { return c.charCodeAt(0); });
      var text = new TextDecoder().decode(codes);
      var element = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      return element.nodeName === "svg" ? document.importNode(element, true) : null;
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
    picture.classList.add("al-drawing");
    picture.naturalBox = natural;
    return group;
  }
  function smallestFont() {
    if (!svg) { return 14; }
    var sizes = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
      return parseFloat(t.getAttribute("font-size")) || 14;
    });
    return Math.min.apply(null, sizes.concat([14]));
  }
  function apply() {
    if (!camera) { return; }
    camera.setAttribute("transform",
      "translate(" + view.x.toFixed(1) + " " + view.y.toFixed(1) + ") scale(" +
      view.scale.toFixed(4) + ")");
    var overview = view.scale * fontPx < READABLE_PX - 0.01;
    if (overview !== root.classList.contains("al-overview")) {
      root.classList.toggle("al-overview", overview);
      colourByGrad();
    }
    drawMinimap();
  }
  function clampScale(scale) { return Math.max(minScale, Math.min(MAX_SCALE, scale)); }
  // Zoom by `factor` about a point of the viewport (the current step's node when none is given,
  // so the step stays in view).
  function zoom(factor, px, py) {
    if (foldedView) { setFolded(false); }  // zooming works on the whole drawing
    if (px === undefined) {
      var place = placeOf(focusOf(frames[current]));
      var box = size();
      px = place ? view.x + (place.x + place.w / 2) * view.scale : box.width / 2;
      py = place ? view.y + (place.y + place.h / 2) * view.scale : box.height / 2;
    }
    var scale = clampScale(view.scale * factor);
    view.x = px - (px - view.x) * (scale / view.scale);
    view.y = py - (py - view.y) * (scale / view.scale);
    view.scale = scale;
    stopMoving();
    apply();
  }
  // The viewport's size, read again only when the window or the viewport changes (reading it
  // at every step would lay out the whole drawing each time).
  var viewportSize = null;
  function size() {
    if (!viewportSize) { viewportSize = { width: viewport.clientWidth, height: viewport.clientHeight }; }
    return viewportSize;
  }
  if (window.ResizeObserver) {
    new ResizeObserver(function () { viewportSize = null; }).observe(viewport);
  }
  window.addEventListener("resize", function () { viewportSize = null; fitHeights(); });

  // Where the viewer is seen: through the nearest ancestor that scrolls (JupyterLab's notebook
  // panel, below its menus and toolbars), else the window. Its top and bottom on the screen.
  function visibleBox() {
    var box = { top: 0, bottom: window.innerHeight, scroller: null };
    for (var e = root.parentElement; e && e !== document.body; e = e.parentElement) {
      var overflow = getComputedStyle(e).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && e.scrollHeight > e.clientHeight + 1) {
        var r = e.getBoundingClientRect();
        box.top = Math.max(0, r.top + e.clientTop);
        box.bottom = Math.min(window.innerHeight, r.top + e.clientTop + e.clientHeight);
        box.scroller = e;
        break;
      }
    }
    return box;
  }
  // The explanation keeps one height, the tallest step's at this width (at most 40% of what
  // is seen; longer ones, and the tables of every leaf at the start and the end, scroll), so
  // no number hides under its scroll and the graph below never jumps; the graph takes what is
  // left of the visible height (220 to 640 px).
  var MEASURED_STEPS = 2000;  // the tallest of at most this many steps, evenly spread
  function fitHeights() {
    var seen = visibleBox();
    var probe = document.createElement("div");
    probe.className = "al-now";
    probe.style.cssText = "position: absolute; visibility: hidden; height: auto; width: " +
      now.offsetWidth + "px";
    var arithmetic = frames.filter(function (li) { return !li.querySelector("table"); });
    var every = Math.ceil(arithmetic.length / MEASURED_STEPS);
    for (var k = 0; k < arithmetic.length; k += every) {
      var one = document.createElement("div");
      one.innerHTML = arithmetic[k].innerHTML;
      probe.appendChild(one);
    }
    now.parentNode.insertBefore(probe, now);
    var tallest = Math.max.apply(null, Array.prototype.map.call(probe.children, function (one) {
      return one.offsetHeight;
    }).concat([0]));
    var frame = probe.offsetHeight - probe.clientHeight +
      parseFloat(getComputedStyle(probe).paddingTop) + parseFloat(getComputedStyle(probe).paddingBottom);
    probe.parentNode.removeChild(probe);
    now.style.height = "";
    var least = now.offsetHeight;
    now.style.height = Math.max(least, Math.min(tallest + frame + 2, 0.4 * (seen.bottom - seen.top))) + "px";
    var overview = root.classList.contains("al-overview");
    root.classList.add("al-overview");  // its legend may take one more line: measured with it
    var above = viewport.getBoundingClientRect().top - root.querySelector(".al-controls").getBoundingClientRect().top;
    root.classList.toggle("al-overview", overview);
    viewport.style.height = Math.max(220, Math.min(640, seen.bottom - seen.top - above - 12)) + "px";
    viewportSize = null;
  }
  // A step taken in the viewer brings its controls, explanation and graph into view (as much
  // of them as fits, from the controls down).
  function reveal() {
    var seen = visibleBox();
    var top = root.querySelector(".al-controls").getBoundingClientRect().top - 4;
    var bottom = viewport.getBoundingClientRect().bottom + 4;
    var shift = top < seen.top ? top - seen.top :
      bottom > seen.bottom ? Math.min(bottom - seen.bottom, top - seen.top) : 0;
    if (!shift) { return; }
    if (seen.scroller) { seen.scroller.scrollTop += shift; } else { window.scrollBy(0, shift); }
  }

  // Where each node lies in the drawing's own coordinates (measured once, through the camera).
  var places = {};
  function measure() {
    var box = viewport.getBoundingClientRect();
    Object.keys(nodes).forEach(function (id) {
      var r = nodes[id].getBoundingClientRect();
      if (r.width || r.height) {
        places[id] = { x: (r.left - box.left - viewport.clientLeft - view.x) / view.scale,
          y: (r.top - box.top - viewport.clientTop - view.y) / view.scale,
          w: r.width / view.scale, h: r.height / view.scale };
      }
    });
  }
  function placeOf(id) { return id ? places[id] || null : null; }
  function union(list) {
    var found = list.map(placeOf).filter(Boolean);
    if (!found.length) { return null; }
    var x0 = Math.min.apply(null, found.map(function (p) { return p.x; }));
    var y0 = Math.min.apply(null, found.map(function (p) { return p.y; }));
    var x1 = Math.max.apply(null, found.map(function (p) { return p.x + p.w; }));
    var y1 = Math.max.apply(null, found.map(function (p) { return p.y + p.h; }));
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  // The camera glides to a view (or jumps there when motion is reduced).
  var moving = null;
  function stopMoving() { if (moving) { cancelAnimationFrame(moving); moving = null; } }
  function moveTo(target) {
    stopMoving();
    if (still() || !window.requestAnimationFrame) {
      view = target;
      apply();
      return;
    }
    var start = { x: view.x, y: view.y, scale: view.scale };
    var began = null;
    function frame(time) {
      if (began === null) { began = time; }
      var t = Math.min(1, (time - began) / 320);
      var e = t * (2 - t);
      view = { x: start.x + (target.x - start.x) * e, y: start.y + (target.y - start.y) * e,
        scale: start.scale + (target.scale - start.scale) * e };
      apply();
      moving = t < 1 ? requestAnimationFrame(frame) : null;
    }
    moving = requestAnimationFrame(frame);
  }
  // The part of the viewport the lens uses: below the minimap where one is shown.
  function lensBox() {
    var box = size();
    var shown = minimap && minimap.style.display !== "none";
    if (shown && !box.minimap) { box.minimap = minimap.getBoundingClientRect().height + 4; }
    var top = shown ? box.minimap : 0;
    return { width: box.width, height: box.height - top, top: top };
  }
  // The view that shows `area` (drawing coordinates) at `scale`: unchanged when the area is
  // already inside the lens's part of the viewport with margins, else the area centred there.
  function viewShowing(area, scale) {
    var box = lensBox();
    var left = view.x + area.x * scale;
    var top = view.y + area.y * scale;
    var inside = scale === view.scale && left >= MARGIN && top >= box.top + MARGIN &&
      left + area.w * scale <= box.width - MARGIN &&
      top + area.h * scale <= box.top + box.height - MARGIN;
    if (inside) { return { x: view.x, y: view.y, scale: scale }; }
    return { x: box.width / 2 - (area.x + area.w / 2) * scale,
      y: box.top + box.height / 2 - (area.y + area.h / 2) * scale, scale: scale };
  }

  // The lens: a step's participants (what changes, what sends, what the rule reads) together
  // in view at a readable size; where they lie too far apart, a small circuit of them in an
  // inset, the view on what changes and what sends.
  var following = true;
  function participants(li) {
    var list = [data(li, "target")].concat(ids(li, "sources"));
    resolvedReads(li).forEach(function (id) { if (list.indexOf(id) < 0) { list.push(id); } });
    return list.filter(Boolean);
  }
  // A rule reads nodes, or a constant operand given by its edge: the node at that edge's tail.
  function resolvedReads(li) {
    return ids(li, "reads").map(tailOf).filter(Boolean);
  }
  function tailOf(id) {
    if (nodes[id]) { return id; }
    var edge = edges[id];
    var title = edge ? edge.querySelector("title") : null;
    return title ? title.textContent.split("->")[0] : "";
  }
  function lens(li) {
    hideInset();
    if (!svg) { return; }
    if (foldedView) { foldedLens(li); return; }
    var kind = data(li, "kind");
    var who = participants(li);
    var op = ids(li, "active")[0];
    var area = union(op ? who.concat([op]) : who);
    if (!area) {  // a step about no node (start, done): readable text, at least
      if (view.scale < readable) { zoom(readable / view.scale); }
      return;
    }
    var box = lensBox();
    var fits = Math.min((box.width - 2 * MARGIN) / area.w, (box.height - 2 * MARGIN) / area.h);
    var scale;
    if (fits >= readable) {
      scale = view.scale >= readable && view.scale <= fits ? view.scale : Math.min(fits, LENS_MAX_SCALE);
      moveTo(viewShowing(area, scale));
      return;
    }
    scale = Math.max(readable, Math.min(view.scale, 1));
    var near = union([data(li, "target")].concat(ids(li, "sources")));
    box = size();
    var nearFits = near && Math.min((box.width - 2 * MARGIN) / near.w, (box.height - 2 * MARGIN) / near.h);
    moveTo(viewShowing(near && nearFits >= readable ? near : placeOf(focusOf(li)), scale));
    if (kind === "backward") { showInset(li); }
  }

  // The inset: the sending node, its operation, the operands of this step and the read ones,
  // each edge with what it carries; drawn at 12 px whatever the zoom.
  var inset = document.createElement("div");
  inset.className = "al-inset";
  inset.setAttribute("role", "img");
  viewport.appendChild(inset);
  function hideInset() { inset.style.display = "none"; inset.innerHTML = ""; }
  function texts(id) {
    var g = nodes[id];
    return g ? Array.prototype.map.call(g.querySelectorAll("text"), function (t) { return t.textContent; }) : [];
  }
  function showInset(li) {
    var target = data(li, "target");
    var sender = ids(li, "sources")[0];
    var op = ids(li, "active")[0];
    var operands = [target].concat(resolvedReads(li).filter(function (id) { return id !== target; }));
    var picture = document.createElementNS(SVG_NS, "svg");
    inset.appendChild(picture);
    inset.style.display = "block";
    var cap = document.createElement("div");
    cap.className = "al-inset-caption";
    cap.textContent = "this step, up close";
    inset.insertBefore(cap, picture);
    function card(id, role) {
      var g = document.createElementNS(SVG_NS, "g");
      g.setAttribute("class", "al-inset-node al-" + role);
      g.setAttribute("data-node", id);
      picture.appendChild(g);
      var rect = document.createElementNS(SVG_NS, "rect");
      g.appendChild(rect);
      var lines = texts(id);
      var width = 0;
      lines.forEach(function (line, i) {
        var t = document.createElementNS(SVG_NS, "text");
        t.setAttribute("font-size", "12");
        t.setAttribute("x", "6");
        t.setAttribute("y", String(15 + 15 * i));
        t.textContent = line;
        g.appendChild(t);
        width = Math.max(width, 7.4 * line.length);  // estimated: no layout per step
      });
      g.w = width + 12;
      g.h = 15 * lines.length + 6;
      rect.setAttribute("width", String(g.w));
      rect.setAttribute("height", String(g.h));
      rect.setAttribute("rx", "3");
      return g;
    }
    function put(g, x, y) { g.setAttribute("transform", "translate(" + x + " " + y + ")"); g.x = x; g.y = y; }
    function line(x1, y1, x2, y2, cls) {
      var l = document.createElementNS(SVG_NS, "line");
      l.setAttribute("x1", x1); l.setAttribute("y1", y1); l.setAttribute("x2", x2); l.setAttribute("y2", y2);
      l.setAttribute("class", cls || "");
      picture.insertBefore(l, picture.firstChild);
      return l;
    }
    function arrow(x, y, dx, dy) {  // a head at (x, y) pointing along (dx, dy)
      var n = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / n, uy = dy / n;
      var p = document.createElementNS(SVG_NS, "polygon");
      p.setAttribute("class", "al-inset-arrow");
      p.setAttribute("points", [x, y, x - 9 * ux - 4 * uy, y - 9 * uy + 4 * ux,
        x - 9 * ux + 4 * uy, y - 9 * uy - 4 * ux].map(function (v) { return v.toFixed(1); }).join(" "));
      picture.appendChild(p);
    }
    var cards = operands.map(function (id) { return card(id, id === target ? "focus" : "reads"); });
    var right = card(sender, "source");
    var left = Math.max.apply(null, cards.map(function (g) { return g.w; }));
    var local = data(li, "local");
    var circle = document.createElementNS(SVG_NS, "g");
    circle.setAttribute("class", "al-inset-op");
    circle.setAttribute("data-node", op);
    circle.innerHTML = '<circle r="13"></circle><text font-size="12" text-anchor="middle" y="4"></text>';
    circle.querySelector("text").textContent = texts(op).join(" ");
    picture.appendChild(circle);
    var label = document.createElementNS(SVG_NS, "text");
    label.setAttribute("class", "al-inset-local");
    label.setAttribute("font-size", "12");
    label.textContent = local;
    picture.appendChild(label);
    var opX, opY, width, height, y;
    if (left + 110 + right.w + 8 <= size().width - 24) {
      // Left to right, as the drawing runs: operands, the operation, the sending node.
      opX = left + 70;
      y = 4;
      cards.forEach(function (g) { put(g, 4, y); y += g.h + 10; });
      height = Math.max(y - 10, right.h) + 8;
      opY = height / 2;
      put(right, opX + 40, opY - right.h / 2);
      cards.forEach(function (g, i) {
        var cy = g.y + g.h / 2;
        line(4 + g.w, cy, opX - 13, opY, i === 0 ? "al-inset-active" : "");
        if (i === 0) { arrow(4 + g.w, cy, 4 + g.w - (opX - 13), cy - opY); }
      });
      label.setAttribute("x", String(4 + cards[0].w + 4));
      label.setAttribute("y", String(cards[0].y + cards[0].h / 2 - 5));
      line(opX + 13, opY, opX + 40, opY, "al-inset-active");
      arrow(opX + 13, opY, -1, 0);
      width = opX + 40 + right.w + 4;
    } else {
      // Narrow: top to bottom, the sending node, the operation, then the operands.
      put(right, 4, 4);
      opX = 22;
      opY = right.h + 34;
      y = opY + 24;
      cards.forEach(function (g) { put(g, 48, y); y += g.h + 8; });
      line(opX, right.h + 4, opX, opY - 13, "al-inset-active");
      arrow(opX, opY - 13, 0, 1);
      cards.forEach(function (g, i) {
        var cy = g.y + g.h / 2;
        line(opX + 9, opY + 9, 48, cy, i === 0 ? "al-inset-active" : "");
        if (i === 0) { arrow(48, cy, 48 - opX - 9, cy - opY - 9); }
      });
      label.setAttribute("x", String(opX + 20));
      label.setAttribute("y", String(opY + 4));
      height = y;
      width = Math.max(right.w + 8, 52 + left, opX + 24 + 7 * local.length);
    }
    circle.setAttribute("transform", "translate(" + opX + " " + opY + ")");
    picture.setAttribute("width", String(width));
    picture.setAttribute("height", String(height));
    inset.setAttribute("aria-label", "this step up close: " + operands.concat([sender]).map(function (id) {
      return texts(id)[0] || id;
    }).join(", "));
    linkHover(inset);
  }

  // Whole graph: everything in view; zoomed out past readable text, nodes are shapes coloured
  // by their grad (so vanishing gradients show).
  function wholeScale() {
    var natural = svg.naturalBox;
    var box = size();
    return Math.min((box.width - 8) / natural.width, (box.height - 8) / natural.height, 1);
  }
  function fit() {
    if (!svg) { return; }
    if (foldedView) { setFolded(false); }  // the whole drawing, as an overview
    minScale = Math.min(readable, wholeScale());
    var natural = svg.naturalBox;
    var box = size();
    var scale = wholeScale();
    moveTo({ x: (box.width - natural.width * scale) / 2, y: (box.height - natural.height * scale) / 2,
      scale: scale });
  }
  function actualSize() { zoom(1 / view.scale); }
  function focusOf(li) { return data(li, "target") || (data(li, "sources").split(" ")[0] || ""); }
  function gradOf(id) {
    var t = field(id, "grad");
    var match = t ? /grad (\S+)/.exec(t.textContent) : null;
    return match ? parseFloat(match[1]) : NaN;
  }
  var coloured = false;
  function colourByGrad() {
    var overview = root.classList.contains("al-overview");
    if (!overview && !coloured) { return; }
    coloured = overview;
    Object.keys(nodes).forEach(function (id) {
      var shape = nodes[id].querySelector("polygon, path");
      if (!shape || !nodes[id].classList.contains("value")) { return; }
      if (!overview) { shape.style.fill = ""; return; }
      var g = gradOf(id);
      var colour = "#9e9e9e";
      if (g && isFinite(g)) {
        var t = Math.max(0, Math.min(1, (Math.log(Math.abs(g)) / Math.LN10 + 6) / 6));
        colour = "hsl(" + (g > 0 ? 212 : 4) + ", 75%, " + (88 - 48 * t).toFixed(0) + "%)";
      }
      shape.style.fill = colour;
    });
  }

  // The minimap: every node as a dot, the view as a frame, the current step's node marked.
  var minimap = null;
  if (svg) {
    minimap = document.createElementNS(SVG_NS, "svg");
    minimap.setAttribute("class", "al-minimap");
    minimap.setAttribute("aria-hidden", "true");
    viewport.appendChild(minimap);
  }
  var minimapFrame = null, minimapMark = null, minimapScale = 1;
  function buildMinimap() {
    if (!minimap) { return; }
    var natural = svg.naturalBox;
    minimapScale = Math.min(150 / natural.width, 90 / natural.height);
    minimap.setAttribute("width", String(Math.ceil(natural.width * minimapScale) + 4));
    minimap.setAttribute("height", String(Math.ceil(natural.height * minimapScale) + 4));
    var parts = [];
    Object.keys(places).forEach(function (id) {
      var p = places[id];
      parts.push('<rect class="al-mini-node" x="' + (2 + p.x * minimapScale).toFixed(1) + '" y="' +
        (2 + p.y * minimapScale).toFixed(1) + '" width="' + Math.max(1, p.w * minimapScale).toFixed(1) +
        '" height="' + Math.max(1, p.h * minimapScale).toFixed(1) + '"></rect>');
    });
    minimap.innerHTML = parts.join("") + '<rect class="al-mini-view"></rect><circle class="al-mini-mark" r="3"></circle>';
    minimapFrame = minimap.querySelector(".al-mini-view");
    minimapMark = minimap.querySelector(".al-mini-mark");
  }
  function drawMinimap() {
    if (!minimapFrame) { return; }
    var box = size();
    var whole = svg.naturalBox.width * view.scale <= box.width && svg.naturalBox.height * view.scale <= box.height;
    minimap.style.display = whole ? "none" : "block";
    var s = minimapScale / view.scale;
    minimapFrame.setAttribute("x", (2 - view.x * s).toFixed(1));
    minimapFrame.setAttribute("y", (2 - view.y * s).toFixed(1));
    minimapFrame.setAttribute("width", (box.width * s).toFixed(1));
    minimapFrame.setAttribute("height", (box.height * s).toFixed(1));
    var place = placeOf(focusOf(frames[current]));
    minimapMark.style.display = place ? "" : "none";
    if (place) {
      minimapMark.setAttribute("cx", (2 + (place.x + place.w / 2) * minimapScale).toFixed(1));
      minimapMark.setAttribute("cy", (2 + (place.y + place.h / 2) * minimapScale).toFixed(1));
    }
  }
  if (minimap) {
    minimap.addEventListener("pointerdown", function (event) {
      event.stopPropagation();
      var r = minimap.getBoundingClientRect();
      var box = size();
      var gx = (event.clientX - r.left - 2) / minimapScale;
      var gy = (event.clientY - r.top - 2) / minimapScale;
      following = false;
      moveTo({ x: box.width / 2 - gx * view.scale, y: box.height / 2 - gy * view.scale, scale: view.scale });
    });
  }

  // Bring an element of the drawing to the middle of the viewport, when it is not in view.
  function centreOn(element) {
    var box = viewport.getBoundingClientRect();
    var r = element.getBoundingClientRect();
    if (r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom) { return; }
    following = false;
    view.x += box.left + box.width / 2 - (r.left + r.width / 2);
    view.y += box.top + box.height / 2 - (r.top + r.height / 2);
    stopMoving();
    apply();
  }

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
    var leaving = Array.prototype.filter.call(svg.querySelectorAll("g.edge"), function (g) {
      return names[g.querySelector("title").textContent.split("->")[0]];
    });
    var title = cluster.querySelector("text");
    var entry = { cluster: cluster, title: title, label: title ? title.textContent : "",
      hidden: members.concat(leaving, inner), ids: members.map(function (g) { return g.id; }) };
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
        centreOn(title);
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

  // A record's texts are [label,] data, grad: the field is counted from the end. An input
  // (`x0 = 0.5`) has one text, its value.
  function field(id, name) {
    var g = nodes[id] || nodes[tailOf(id)];
    if (!g || !name) { return null; }
    var all = g.querySelectorAll("text");
    if (all.length === 1) { return name === "data" ? all[0] : null; }
    var k = all.length - (name === "grad" ? 1 : 2);
    return k >= 0 ? all[k] : null;
  }
  // Each frame's field change, found once: the drawing is brought to any step by applying or
  // undoing only the frames between.
  var changes = frames.map(function (li) {
    return { text: field(data(li, "target"), data(li, "field")), before: data(li, "before"),
      after: data(li, "after") };
  });
  (function startValues() {
    var seen = [];
    changes.forEach(function (c) {
      if (c.text && seen.indexOf(c.text) < 0) { seen.push(c.text); c.text.textContent = c.before; }
    });
  })();
  function bringDrawingTo(k) {
    while (applied < k) { applied += 1; var c = changes[applied]; if (c.text) { c.text.textContent = c.after; } }
    while (applied > k) { var d = changes[applied]; if (d.text) { d.text.textContent = d.before; } applied -= 1; }
  }
  function mark(id, name) {
    var g = nodes[id] || edges[id];
    if (g) { g.classList.add(name); marked.push([g, name]); }
    var record = folding && (folding.nodes[id] || folding.nodes[folding.into[id]]);
    if (record) { record.classList.add(name); marked.push([record, name]); }
  }

  // Folded, each neuron is one record (name, z, a, grad) of a second drawing, laid out again;
  // the step's participants, folded inside, show in the inset. The records' numbers follow
  // the step; zooming, panning or the whole view unfold.
  var folding = null;
  var foldedView = false;
  var foldButton = root.querySelector(".al-fold-all");
  var foldedSvg = svg && foldedPicture ? parsed(foldedPicture) : null;
  if (foldedSvg) {
    viewport.insertBefore(foldedSvg, svg.nextSibling);
    folding = { svg: foldedSvg, camera: addCamera(foldedSvg), nodes: {}, into: {}, z: {} };
    foldedSvg.setAttribute("class", "al-folded-drawing");
    folding.camera.setAttribute("class", "al-folded-camera");
    Array.prototype.forEach.call(foldedSvg.querySelectorAll("g.node"), function (g) { folding.nodes[g.id] = g; });
    Object.keys(folding.nodes).forEach(function (id) {
      var record = folding.nodes[id];
      if (!nodes[id] || !record.classList.contains("value")) { return; }
      // A neuron with an activation reads z through its edge in; a linear one is its z.
      var z = record.querySelectorAll("text").length === 4 ? tailOf(id + "_op_in0") : id;
      folding.z[id] = z;
      folding.into[z] = id;
      for (var k = 0; edges[z + "_op_in" + k]; k += 1) {
        var operand = tailOf(z + "_op_in" + k);
        if (!folding.nodes[operand]) { folding.into[operand] = id; }
      }
    });
  } else {
    foldButton.parentNode.removeChild(foldButton);
  }
  function setFolded(on) {
    foldedView = Boolean(folding) && on;
    root.classList.toggle("al-folded-view", foldedView);
    if (foldedView) { root.classList.remove("al-overview"); }  // the folded drawing is not one
    foldButton.setAttribute("aria-pressed", String(foldedView));
    foldButton.textContent = foldedView ? "Unfold" : "Fold";
    following = true;
    show(current);
  }
  // The numbers of the records as the step leaves them: each field copied from the drawing.
  function syncFolded() {
    Object.keys(folding.z).forEach(function (id) {
      Array.prototype.forEach.call(folding.nodes[id].querySelectorAll("text"), function (t, i) {
        var name = t.textContent.split(" ")[0];
        var from = i === 0 ? null : name === "grad" ? field(id, "grad") :
          name === "z" ? field(folding.z[id], "data") : field(id, "data");
        if (from) { t.textContent = name + " " + from.textContent.split(" ").slice(1).join(" "); }
      });
    });
  }
  // Readable, the whole folded drawing when it fits, else centred on the step's record.
  function foldedLens(li) {
    var natural = folding.svg.naturalBox;
    var box = size();
    var scale = Math.max(readable, Math.min(1, (box.width - 8) / natural.width, (box.height - 8) / natural.height));
    var at = { x: (box.width - natural.width * scale) / 2, y: (box.height - natural.height * scale) / 2 };
    var id = focusOf(li);
    var record = folding.nodes[id] || folding.nodes[folding.into[id]];
    if (record && (natural.width * scale > box.width || natural.height * scale > box.height)) {
      folding.camera.setAttribute("transform", "scale(" + scale.toFixed(4) + ")");
      var r = record.getBoundingClientRect();
      var v = viewport.getBoundingClientRect();
      at = { x: box.width / 2 - (r.left + r.width / 2 - v.left - viewport.clientLeft),
        y: box.height / 2 - (r.top + r.height / 2 - v.top - viewport.clientTop) };
    }
    folding.camera.setAttribute("transform", "translate(" + at.x.toFixed(1) + " " + at.y.toFixed(1) +
      ") scale(" + scale.toFixed(4) + ")");
    if (data(li, "kind") === "backward") { showInset(li); }
  }
  function role(li, id) {
    if (id === data(li, "target")) { return "focus"; }
    if (ids(li, "sources").indexOf(id) >= 0) { return "source"; }
    return resolvedReads(li).indexOf(id) >= 0 ? "reads" : "plain";
  }

  // Backward: the gradient runs against the data. The active edges get an arrowhead at their
  // tail, pointing back, and the forward head is hidden; the local derivative is written on
  // the edge of the operand that receives.
  function drawBackward(li) {
    ids(li, "active").forEach(function (id) {
      var edge = edges[id];
      var path = edge ? edge.querySelector("path") : null;
      var points = path ? pathPoints(path) : [];
      if (points.length < 2) { return; }
      var tip = points[0];
      var back = points[1];
      var dx = tip.x - back.x, dy = tip.y - back.y;
      var n = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / n, uy = dy / n;
      var head = document.createElementNS(SVG_NS, "polygon");
      head.setAttribute("class", "al-back-arrow");
      head.setAttribute("points", [tip.x, tip.y, tip.x - 9 * ux - 4 * uy, tip.y - 9 * uy + 4 * ux,
        tip.x - 9 * ux + 4 * uy, tip.y - 9 * uy - 4 * ux].map(function (v) { return v.toFixed(1); }).join(" "));
      edge.appendChild(head);
      added.push(head);
      if (/_in\d+$/.test(id) && data(li, "local")) {
        var middle = points[Math.floor(points.length / 2)];
        var label = document.createElementNS(SVG_NS, "g");
        label.setAttribute("class", "al-edge-label");
        var fontSize = Math.max(12, fontPx);  // the box estimated, not measured: no layout per step
        var width = 0.62 * fontSize * data(li, "local").length;
        var top = labelTop(edge.parentNode, middle.x - width / 2 - 3, width + 6, middle.y - 6 - fontSize,
          fontSize + 4);
        var text = document.createElementNS(SVG_NS, "text");
        text.setAttribute("font-size", String(fontSize));
        text.setAttribute("text-anchor", "middle");
        text.setAttribute("x", middle.x.toFixed(1));
        text.setAttribute("y", (top + fontSize).toFixed(1));
        text.textContent = data(li, "local");
        var rect = document.createElementNS(SVG_NS, "rect");
        label.appendChild(rect);
        label.appendChild(text);
        edge.parentNode.appendChild(label);
        rect.setAttribute("x", (middle.x - width / 2 - 3).toFixed(1));
        rect.setAttribute("y", top.toFixed(1));
        rect.setAttribute("width", (width + 6).toFixed(1));
        rect.setAttribute("height", (fontSize + 4).toFixed(1));
        rect.setAttribute("rx", "3");
        added.push(label);
      }
    });
  }

  // The top of a label (x, width, height, in the coordinates of the edges' group `graph`)
  // wanted at `top`: where it would cover a node (an edge shorter than its label), moved up
  // or down past the nodes in its way, whichever is nearer.
  function labelTop(graph, x, width, top, height) {
    var m = graph.transform.baseVal.consolidate();
    m = m ? m.matrix : { a: 1, d: 1, e: 0, f: 0 };
    var boxes = Object.keys(places).map(function (id) {
      var p = places[id];
      return { x: (p.x - m.e) / m.a, y: (p.y - m.f) / m.d, w: p.w / m.a, h: p.h / m.d };
    }).filter(function (b) { return b.x < x + width && x < b.x + b.w; });
    function past(up) {
      var at = top;
      for (var moved = true; moved;) {
        moved = false;
        boxes.forEach(function (b) {
          if (b.y < at + height && at < b.y + b.h) { at = up ? b.y - height - 2 : b.y + b.h + 2; moved = true; }
        });
      }
      return at;
    }
    var above = past(true), below = past(false);
    return top - above <= below - top ? above : below;
  }

  // The points of an edge's path as Graphviz writes it (M x,y C x,y x,y x,y ...), read from
  // its text: measuring the path would lay out the whole drawing at every step.
  function pathPoints(path) {
    var numbers = (path.getAttribute("d") || "").match(/-?\d+(\.\d+)?(e-?\d+)?/g) || [];
    var points = [];
    for (var i = 0; i + 1 < numbers.length; i += 2) {
      points.push({ x: parseFloat(numbers[i]), y: parseFloat(numbers[i + 1]) });
    }
    return points;
  }

  // Numbers in the explanation and the fields they come from: same colour; hovering or
  // focusing one marks the other.
  function linkHover(container) {
    Array.prototype.forEach.call(container.querySelectorAll(".al-num, .al-inset-node"), function (el) {
      var on = function () { markLinked(el.getAttribute("data-node"), el.getAttribute("data-field"), true); };
      var off = function () { markLinked(el.getAttribute("data-node"), el.getAttribute("data-field"), false); };
      el.addEventListener("mouseenter", on);
      el.addEventListener("mouseleave", off);
      el.addEventListener("focus", on);
      el.addEventListener("blur", off);
    });
  }
  function markLinked(id, name, on) {
    var node = tailOf(id) || id;
    var text = name ? field(node, name) : null;
    if (text) { text.classList.toggle("al-linked", on); }
    if (nodes[node]) { nodes[node].classList.toggle("al-linked-node", on); }
    Array.prototype.forEach.call(root.querySelectorAll(".al-now .al-num"), function (span) {
      if (tailOf(span.getAttribute("data-node")) === node &&
        (!name || span.getAttribute("data-field") === name)) { span.classList.toggle("al-linked", on); }
    });
  }

  // Predict, then reveal: the result of a step stays hidden until the learner guesses (or
  // presses Enter with no guess); then it shows, with how far off the guess was.
  var predicting = false;
  var revealed = {};
  function hiddenResult(li) {
    var kind = data(li, "kind");
    return predicting && (kind === "forward" || kind === "backward") && !revealed[frames.indexOf(li)];
  }
  function askForGuess(li, k) {
    var stages = now.querySelectorAll(".al-stage");
    var hide = Array.prototype.filter.call(stages, function (s) {
      return s.classList.contains("al-result") || s.classList.contains("al-total") ||
        s.classList.contains("al-sum");
    });
    hide.forEach(function (s) { s.classList.add("al-hidden"); });
    var changed = changes[k].text;
    if (changed) { changed.textContent = data(li, "field") + " ?"; }
    var form = document.createElement("form");
    form.className = "al-guess";
    form.innerHTML = '<label>your guess for the new ' + data(li, "field") +
      ' <input type="text" inputmode="decimal" size="9" class="al-guess-input"></label> ' +
      '<button type="submit">Reveal</button>';
    now.appendChild(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      revealed[k] = true;
      var guess = parseFloat(form.querySelector("input").value);
      var truth = parseFloat(data(li, "after").split(" ")[1]);
      show(k);
      var said = document.createElement("div");
      said.className = "al-stage al-verdict";
      said.textContent = isNaN(guess) ? "(no guess)" :
        "your guess " + guess + ": off by " + Math.abs(guess - truth).toPrecision(3);
      now.appendChild(said);
      root.focus();
    });
    return form;
  }

  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    current = k;
    bringDrawingTo(k);
    marked.forEach(function (pair) { pair[0].classList.remove(pair[1]); });
    marked = [];
    added.forEach(function (el) { el.parentNode && el.parentNode.removeChild(el); });
    added = [];
    Array.prototype.forEach.call(root.querySelectorAll(".al-changed"), function (t) { t.classList.remove("al-changed"); });
    var li = frames[k];
    var backward = data(li, "kind") === "backward";
    participants(li).forEach(unfoldAround);
    ids(li, "sources").forEach(function (id) { mark(id, "al-source"); });
    resolvedReads(li).forEach(function (id) { mark(id, "al-reads"); });
    ids(li, "reads").forEach(function (id) { if (edges[id]) { mark(id, "al-read-edge"); } });
    ids(li, "active").forEach(function (id) {
      mark(id, "al-active");
      if (backward) { mark(id, "al-backward"); }
    });
    mark(data(li, "target"), "al-focus");
    var changed = changes[k].text;
    if (changed) { changed.classList.add("al-changed"); }
    if (backward) { drawBackward(li); }
    var copy = li.cloneNode(true);
    while (now.firstChild) { now.removeChild(now.firstChild); }
    while (copy.firstChild) { now.appendChild(copy.firstChild); }
    Array.prototype.forEach.call(now.querySelectorAll(".al-stage"), function (stage, i) {
      stage.style.animationDelay = (0.25 * i) + "s";
    });
    Array.prototype.forEach.call(now.querySelectorAll(".al-num"), function (span) {
      span.classList.add("al-num-" + role(li, tailOf(span.getAttribute("data-node"))));
      span.setAttribute("tabindex", "0");
    });
    linkHover(now);
    now.setAttribute("data-kind", data(li, "kind"));
    var guess = hiddenResult(li) ? askForGuess(li, k) : null;
    frames[shown].classList.remove("al-current");
    li.classList.add("al-current");
    shown = k;
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
    if (folding) { syncFolded(); }
    if (following || foldedView) { lens(li); } else { hideInset(); drawMinimap(); }
    colourByGrad();
    if (guess) { guess.querySelector("input").focus({ preventScroll: true }); }
    if (root.contains(document.activeElement) && window.requestAnimationFrame) {
      requestAnimationFrame(reveal);  // read after this frame's layout, not forcing another
    }
  }

  // Navigate by meaning: the first backward step, the steps touching a chosen node, play.
  function toBackward() { if (firstBackward >= 0) { following = true; show(firstBackward); } }
  function touches(li, id) {
    return data(li, "target") === id || ids(li, "sources").indexOf(id) >= 0 ||
      resolvedReads(li).indexOf(id) >= 0;
  }
  function toUse(step) {
    var id = choose.value;
    for (var k = current + step; k >= 0 && k < frames.length; k += step) {
      if (touches(frames[k], id)) { following = true; show(k); return; }
    }
  }
  function chooseNode(id) {
    if (!nodes[id]) { return; }
    choose.value = id;
    Object.keys(nodes).forEach(function (other) { nodes[other].classList.toggle("al-chosen", other === id); });
  }
  Object.keys(nodes).forEach(function (id) {
    var g = nodes[id];
    if (!g.classList.contains("value") && !g.classList.contains("input")) { return; }
    var option = document.createElement("option");
    option.value = id;
    option.textContent = (g.querySelector("text") || { textContent: id }).textContent || id;
    choose.appendChild(option);
  });
  // A node's gradient story: every step that adds to its grad (one per path through the
  // node it feeds), with that path's product, and the sum they make.
  function story() {
    var id = choose.value;
    var name = choose.options[choose.selectedIndex] ? choose.options[choose.selectedIndex].textContent : id;
    var parts = frames.filter(function (li) { return data(li, "kind") === "backward" && data(li, "target") === id; });
    while (now.firstChild) { now.removeChild(now.firstChild); }
    now.setAttribute("data-kind", "story");
    var title = document.createElement("div");
    title.className = "al-title";
    title.textContent = parts.length ? "the gradient story of " + name + ": " + parts.length +
      " path" + (parts.length > 1 ? "s" : "") + ", each a product, then their sum" :
      name + " receives no gradient (nothing it feeds reaches the root, or it is the root)";
    now.appendChild(title);
    var table = document.createElement("table");
    table.className = "al-table al-stage al-story";
    parts.forEach(function (li) {
      var result = li.querySelector(".al-result");
      var sender = texts(ids(li, "sources")[0])[0] || ids(li, "sources")[0];
      var row = table.insertRow();
      var head = document.createElement("th");
      head.scope = "row";
      head.textContent = "from " + sender;
      row.appendChild(head);
      row.insertCell().textContent = result ? result.textContent.split("= ").pop() : "";
    });
    if (parts.length) {
      var total = table.insertRow();
      var sum = document.createElement("th");
      sum.scope = "row";
      sum.textContent = "sum: " + name + ".grad";
      total.appendChild(sum);
      total.insertCell().textContent = data(parts[parts.length - 1], "after").split(" ").pop();
    }
    now.appendChild(table);
  }
  var timer = null;
  function setPlaying(on) {
    if (timer) { clearInterval(timer); timer = null; }
    if (on) {
      timer = setInterval(function () {
        if (!root.isConnected || current >= frames.length - 1) { setPlaying(false); return; }
        show(current + 1);
      }, PLAY_MS);
    }
    play.setAttribute("aria-pressed", String(on));
    play.textContent = on ? "Pause" : "Play";
    play.setAttribute("aria-label", on ? "pause" : "play");
  }

  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  play.addEventListener("click", function () { setPlaying(!timer); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  root.querySelector(".al-to-backward").addEventListener("click", toBackward);
  root.querySelector(".al-next-use").addEventListener("click", function () { toUse(1); });
  root.querySelector(".al-prev-use").addEventListener("click", function () { toUse(-1); });
  root.querySelector(".al-story").addEventListener("click", story);
  choose.addEventListener("change", function () { chooseNode(choose.value); });
  predict.addEventListener("click", function () {
    predicting = !predicting;
    predict.setAttribute("aria-pressed", String(predicting));
    revealed = {};
    show(current);
  });
  root.querySelector(".al-zoom-in").addEventListener("click", function () { zoom(1.25); });
  root.querySelector(".al-zoom-out").addEventListener("click", function () { zoom(0.8); });
  root.querySelector(".al-fit").addEventListener("click", function () { following = false; hideInset(); fit(); });
  root.querySelector(".al-lens").addEventListener("click", function () { following = true; lens(frames[current]); });
  root.querySelector(".al-actual").addEventListener("click", actualSize);
  if (folding) { foldButton.addEventListener("click", function () { setFolded(!foldedView); }); }
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
  // One pointer drags the view; two pinch it (zooming about their midpoint). A tap on a node
  // chooses it.
  var pointers = {};
  var pinch = null;
  var drag = null;
  function pointerList() { return Object.keys(pointers).map(function (k) { return pointers[k]; }); }
  function spread(list) {
    var dx = list[0].x - list[1].x, dy = list[0].y - list[1].y;
    return Math.sqrt(dx * dx + dy * dy);
  }
  viewport.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || event.target.classList.contains("al-fold") || inset.contains(event.target)) { return; }
    pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    try { viewport.setPointerCapture(event.pointerId); } catch (error) { /* a synthetic pointer */ }
    var list = pointerList();
    if (list.length === 2) {
      pinch = { spread: spread(list) || 1, scale: view.scale };
      drag = null;
    } else if (list.length === 1) {
      drag = { x: event.clientX, y: event.clientY, moved: 0, on: event.target };
    }
    viewport.classList.add("al-dragging");
  });
  viewport.addEventListener("pointermove", function (event) {
    if (!pointers[event.pointerId]) { return; }
    pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    var list = pointerList();
    if (pinch && list.length >= 2) {
      var box = viewport.getBoundingClientRect();
      var factor = pinch.scale * spread(list) / pinch.spread / view.scale;
      following = false;
      zoom(factor, (list[0].x + list[1].x) / 2 - box.left, (list[0].y + list[1].y) / 2 - box.top);
      return;
    }
    if (!drag) { return; }
    if (foldedView) { setFolded(false); }  // panning works on the whole drawing
    stopMoving();
    view.x += event.clientX - drag.x;
    view.y += event.clientY - drag.y;
    drag.moved += Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y);
    drag.x = event.clientX;
    drag.y = event.clientY;
    if (drag.moved > 4) { following = false; }
    apply();
  });
  function endPointer(event) {
    if (drag && drag.moved <= 4 && drag.on && drag.on.closest) {
      var g = drag.on.closest("g.node");
      if (g) { chooseNode(g.id); }
    }
    delete pointers[event.pointerId];
    if (pointerList().length < 2) { pinch = null; }
    drag = null;
    if (!pointerList().length) { viewport.classList.remove("al-dragging"); }
  }
  viewport.addEventListener("pointerup", endPointer);
  viewport.addEventListener("pointercancel", endPointer);
  viewport.addEventListener("mouseover", function (event) {
    var g = event.target.closest ? event.target.closest("g.node") : null;
    if (g) { markLinked(g.id, "", true); }
  });
  viewport.addEventListener("mouseout", function (event) {
    var g = event.target.closest ? event.target.closest("g.node") : null;
    if (g) { markLinked(g.id, "", false); }
  });

  // Keys are taken on the window in the capture phase: Notebook 7 handles them on the document
  // in that phase, before they reach the viewer. Only keys aimed inside this viewer are taken:
  // its own keys step and zoom; other plain keys are kept from the notebook (so `b` does not
  // insert a cell) but do their usual thing; Tab, Escape and shortcuts with Ctrl, Alt or Meta
  // (Shift+Enter too) pass on. A guess being typed keeps its keys.
  function onKey(event) {
    if (!root.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    if (!root.contains(event.target)) { return; }
    if (event.ctrlKey || event.altKey || event.metaKey || event.key === "Tab" ||
      event.key === "Escape" || (event.shiftKey && event.key === "Enter")) { return; }
    event.stopPropagation();
    var tag = event.target.tagName;
    if (event.target === slider || tag === "INPUT" || tag === "SELECT") { return; }
    var toggle = boxes.filter(function (entry) { return entry.title === event.target; })[0];
    if (toggle && (event.key === "Enter" || event.key === " ")) {
      fold(toggle, !toggle.folded);
      event.preventDefault();
      return;
    }
    if (tag === "BUTTON" && (event.key === "Enter" || event.key === " ")) { return; }
    var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key in moves) { following = true; show(current + moves[key]); }
    else if (key === "Home") { show(0); }
    else if (key === "End") { show(frames.length - 1); }
    else if (key === "b") { toBackward(); }
    else if (key === "n") { toUse(event.shiftKey ? -1 : 1); }
    else if (key === "c") { chooseNode(focusOf(frames[current])); }
    else if (key === "s") { story(); }
    else if (key === "p" || key === " ") { setPlaying(!timer); }
    else if (key === "q") { predict.click(); }
    else if (key === "+" || key === "=") { zoom(1.25); }
    else if (key === "-") { zoom(0.8); }
    else if (key === "0") { actualSize(); }
    else if (key === "w" || key === "f") { following = false; hideInset(); fit(); }
    else if (key === "l") { following = true; lens(frames[current]); }
    else { return; }
    event.preventDefault();
  }
  window.addEventListener("keydown", onKey, true);
  var untrusted = root.querySelector(".al-untrusted");
  if (untrusted) { untrusted.parentNode.removeChild(untrusted); }
  root.querySelector(".al-all").open = false;
  root.classList.add("al-live");
  fitHeights();
  if (svg) {
    apply();
    measure();
    buildMinimap();
    minScale = Math.min(readable, wholeScale());
  }
  var keepStill = reduceMotion;
  reduceMotion = { matches: true };  // the first view is set, not animated
  show(0);
  fit();
  var values = Object.keys(nodes).filter(function (id) { return nodes[id].classList.contains("value"); });
  if (values.length > FOLD_ABOVE) { setFolded(true); }
  reduceMotion = keepStill;
  var seed = frames.filter(function (li) { return data(li, "kind") === "seed"; })[0];
  chooseNode(seed ? data(seed, "target") : Object.keys(nodes)[0]);
})();
