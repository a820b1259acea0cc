// privscan consent journeys: helpers evaluated in the page. The expression
// is this function applied to a command and its argument; it returns JSON
// text. Elements are looked up in the document and in open shadow roots.
(function (cmd, arg) {
  "use strict";
  // The document and its open shadow roots, found once per command: a
  // command looks up many selectors, and each walk visits every element.
  let rootList = null;
  const roots = () => {
    if (rootList) return rootList;
    const out = [document];
    const walk = (node, depth) => {
      if (depth > 6 || out.length > 50) return;
      for (const el of node.querySelectorAll("*")) {
        if (el.shadowRoot) { out.push(el.shadowRoot); walk(el.shadowRoot, depth + 1); }
      }
    };
    walk(document, 0);
    rootList = out;
    return out;
  };
  const all = (sel) => {
    const found = [];
    for (const r of roots()) {
      let list;
      try { list = r.querySelectorAll(sel); } catch (e) { return found; }
      for (const el of list) found.push(el);
    }
    return found;
  };
  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    if (typeof el.checkVisibility === "function" && !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const s = getComputedStyle(el);
    return s.display !== "none" && s.visibility !== "hidden" && parseFloat(s.opacity || "1") > 0.05;
  };
  const text = (el) => ((el.innerText || el.value || el.getAttribute("aria-label") || el.getAttribute("title") || el.textContent || "") + "").trim().replace(/\s+/g, " ").slice(0, 200);
  const navigates = (el) => {
    if (el.tagName !== "A") return false;
    const h = (el.getAttribute("href") || "").trim();
    if (h === "" || h.startsWith("#") || /^javascript:/i.test(h)) return false;
    try {
      const u = new URL(h, location.href);
      return !(u.origin === location.origin && u.pathname === location.pathname && u.search === location.search);
    } catch (e) { return false; }
  };
  const global = (path) => {
    let v = window;
    for (const p of path.split(".")) {
      try { if (v === null || v === undefined || !(p in Object(v))) return false; v = v[p]; } catch (e) { return false; }
    }
    return v !== undefined && v !== null;
  };
  const controlSel = "button, a, [role=button], input[type=button], input[type=submit]";
  const tag = (el, n) => { el.setAttribute("data-privscan-ctl", String(n)); };
  const byTag = (n) => all('[data-privscan-ctl="' + n + '"]')[0];
  let counter = window.__privscanCtl || 0;
  const next = () => { counter++; window.__privscanCtl = counter; return counter; };

  switch (cmd) {
  case "detect": {
    // arg: [{slug, detect:[sel], globals:[path], banner:[sel]}]
    const out = [];
    for (const r of arg) {
      const present = r.detect.some((s) => all(s).length > 0) || r.globals.some(global);
      if (!present) continue;
      const shown = r.banner.some((s) => all(s).some(visible));
      out.push({slug: r.slug, shown});
    }
    return JSON.stringify(out);
  }
  case "find": {
    // arg: [sel]: the first visible element, tagged.
    for (const s of arg) {
      for (const el of all(s)) {
        if (!visible(el)) continue;
        const n = next();
        tag(el, n);
        return JSON.stringify({id: n, text: text(el), tag: el.tagName.toLowerCase(), nav: navigates(el), selector: s});
      }
    }
    return "null";
  }
  case "shown": {
    // arg: [sel]: is any visible?
    return JSON.stringify(arg.some((s) => all(s).some(visible)));
  }
  case "click": {
    const el = byTag(arg);
    if (!el) return JSON.stringify(false);
    try { el.scrollIntoView({block: "center"}); } catch (e) {}
    el.click();
    return JSON.stringify(true);
  }
  case "tagShown": {
    return JSON.stringify(visible(byTag(arg)));
  }
  case "uncheck": {
    // Untick the optional purposes of a preference layer before saving.
    const root = byTag(arg) || document;
    let n = 0;
    for (const c of (root.querySelectorAll ? root.querySelectorAll("input[type=checkbox]") : [])) {
      if (c.checked && !c.disabled) { c.click(); if (c.checked) c.checked = false; n++; }
    }
    return JSON.stringify(n);
  }
  case "banners": {
    // Candidate banners: visible fixed/sticky elements and dialogs (as the
    // crawler's overlay probe finds them) with their visible controls.
    const cands = new Set();
    const walk = (el, depth) => {
      for (const c of el.children) { cands.add(c); if (depth < 3 && cands.size < 3000) walk(c, depth + 1); }
    };
    if (document.body) walk(document.body, 0);
    // In a frame (a platform's banner iframe), the frame's document is the
    // banner: its body is a candidate whatever its position.
    let inFrame = false;
    try { inFrame = window.top !== window; } catch (e) { inFrame = true; }
    for (const s of ["[role=dialog]", "[role=alertdialog]", "[aria-modal=true]", "dialog", "[id*=cookie i]", "[class*=cookie i]", "[id*=consent i]", "[class*=consent i]", "[id*=gdpr i]", "[class*=gdpr i]", "[id*=privacy i]", "[class*=privacy i]", "[id*=banner i]", "[class*=banner i]", "[id*=cmp i]", "[class*=cmp i]"]) {
      for (const el of all(s)) { if (cands.size < 6000) cands.add(el); }
    }
    if (inFrame && document.body) cands.add(document.body);
    const found = [];
    for (const el of cands) {
      if (found.length >= 10) break;
      const pos = getComputedStyle(el).position;
      const dialog = el.getAttribute("role") === "dialog" || el.getAttribute("role") === "alertdialog" || el.getAttribute("aria-modal") === "true" || el.tagName === "DIALOG";
      if (pos !== "fixed" && pos !== "sticky" && !dialog && !(inFrame && el === document.body)) continue;
      if (!visible(el)) continue;
      if (found.some((o) => o.el.contains(el) || el.contains(o.el))) continue;
      found.push({el});
    }
    const out = [];
    for (const {el} of found) {
      const id = next();
      tag(el, id);
      const controls = [];
      for (const b of el.querySelectorAll(controlSel)) {
        if (controls.length >= 30 || !visible(b)) continue;
        const n = next();
        tag(b, n);
        controls.push({id: n, text: text(b), tag: b.tagName.toLowerCase(), nav: navigates(b)});
      }
      out.push({id, text: (el.innerText || "").trim().replace(/\s+/g, " ").slice(0, 1000), controls});
    }
    return JSON.stringify(out);
  }
  }
  return "null";
})
