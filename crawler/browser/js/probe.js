// Evaluated after a page settles. Returns JSON with the page's links, the
// values of the probed globals, and visible fixed/sticky overlays.
// %GLOBALS% is replaced by a JSON array of dotted paths.
(() => {
  const out = {links: [], globals: {}, overlays: [], title: document.title || "", url: location.href};
  const footerish = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      if (e.tagName === "FOOTER") return true;
      const id = (e.id || "").toLowerCase();
      const cls = (typeof e.className === "string" ? e.className : "").toLowerCase();
      if (id.includes("footer") || cls.includes("footer") || e.getAttribute("role") === "contentinfo") return true;
    }
    return false;
  };
  const seen = new Set();
  for (const a of document.querySelectorAll("a[href]")) {
    if (out.links.length >= 2000) break;
    let href;
    try { href = new URL(a.getAttribute("href"), location.href).href; } catch (e) { continue; }
    if (!/^https?:/.test(href)) continue;
    href = href.split("#")[0];
    const text = (a.innerText || a.textContent || "").trim().replace(/\s+/g, " ").slice(0, 200);
    const key = href + "\u0000" + text;
    if (seen.has(key)) continue;
    seen.add(key);
    out.links.push({url: href, text, title: (a.getAttribute("title") || "").slice(0, 200),
      aria: (a.getAttribute("aria-label") || "").slice(0, 200), in_footer: footerish(a)});
  }
  const render = (v) => {
    if (v === null) return "null";
    const t = typeof v;
    if (t === "string") return v.slice(0, 200);
    if (t === "number" || t === "boolean") return String(v);
    if (t === "function") return "function";
    if (Array.isArray(v)) {
      try { return JSON.stringify(v.slice(0, 20)).slice(0, 400); } catch (e) { return "array"; }
    }
    if (t === "object") {
      try { return "object:" + Object.keys(v).slice(0, 30).join(","); } catch (e) { return "object"; }
    }
    return t;
  };
  for (const path of %GLOBALS%) {
    let v = window, ok = true;
    for (const part of path.split(".")) {
      try {
        if (v === null || v === undefined || !(part in Object(v))) { ok = false; break; }
        v = v[part];
      } catch (e) { ok = false; break; }
    }
    if (ok && v !== undefined) out.globals[path] = render(v);
  }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 50 || r.height < 20) return false;
    const s = getComputedStyle(el);
    return s.display !== "none" && s.visibility !== "hidden" && parseFloat(s.opacity || "1") > 0.05;
  };
  const cssPath = (el) => {
    if (el.id) return "#" + el.id;
    const cls = typeof el.className === "string" ? el.className.trim().split(/\s+/).filter(Boolean).slice(0, 2) : [];
    return el.tagName.toLowerCase() + (cls.length ? "." + cls.join(".") : "");
  };
  // Banners sit near the top of the tree or announce themselves by role or
  // name; checking those instead of every element keeps huge pages cheap.
  const candidates = new Set();
  const walk = (el, depth) => {
    for (const c of el.children) {
      candidates.add(c);
      if (depth < 3 && candidates.size < 3000) walk(c, depth + 1);
    }
  };
  if (document.body) walk(document.body, 0);
  for (const el of document.querySelectorAll('[role=dialog], [role=alertdialog], [aria-modal=true], dialog, [id*=cookie i], [class*=cookie i], [id*=consent i], [class*=consent i], [id*=gdpr i], [class*=gdpr i], [id*=privacy i], [class*=privacy i], [id*=banner i], [class*=banner i], [id*=cmp i], [class*=cmp i]')) {
    if (candidates.size >= 6000) break;
    candidates.add(el);
  }
  for (const el of candidates) {
    if (out.overlays.length >= 10) break;
    const pos = getComputedStyle(el).position;
    const dialog = el.getAttribute("role") === "dialog" || el.getAttribute("aria-modal") === "true" || el.tagName === "DIALOG";
    if (pos !== "fixed" && pos !== "sticky" && !dialog) continue;
    if (!visible(el)) continue;
    if (out.overlays.some((o) => o._el.contains(el) || el.contains(o._el))) continue;
    const buttons = [];
    for (const b of el.querySelectorAll("button, a, [role=button], input[type=button], input[type=submit]")) {
      const t = (b.innerText || b.value || b.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
      if (t && buttons.length < 12) buttons.push(t.slice(0, 80));
    }
    out.overlays.push({_el: el, selector: cssPath(el), text: (el.innerText || "").trim().replace(/\s+/g, " ").slice(0, 600), buttons});
  }
  out.overlays = out.overlays.map(({_el, ...o}) => o);
  return JSON.stringify(out);
})()
