// Runs in every frame before any page script (Page.addScriptToEvaluateOnNewDocument).
// It reports document.cookie writes, storage writes, privacy-signal reads and
// window.open calls to the scanner through the binding, with the URL of the
// script that did it, and emulates the profile's signals.
// %PROFILE% is replaced by the scanner: "baseline", "gpc" or "dnt".
(() => {
  const profile = "%PROFILE%";
  const binding = window.__privscanRecord;
  if (typeof binding !== "function") return;
  try { delete window.__privscanRecord; } catch (e) {}
  const send = (o) => { try { binding(JSON.stringify(o)); } catch (e) {} };
  const scriptURL = () => {
    const lines = String(new Error().stack || "").split("\n");
    for (const line of lines) {
      const m = line.match(/(https?:\/\/[^\s()]+?):\d+:\d+/);
      if (m) return m[1];
    }
    return "";
  };

  const cookieDesc = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookieDesc && cookieDesc.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: cookieDesc.enumerable,
      get() { return cookieDesc.get.call(this); },
      set(v) {
        send({t: "cookie", raw: String(v).slice(0, 4096), script: scriptURL(), frame: String(location.href)});
        return cookieDesc.set.call(this, v);
      },
    });
  }

  for (const [area, name] of [["local", "localStorage"], ["session", "sessionStorage"]]) {
    try {
      const store = window[name];
      const proto = Object.getPrototypeOf(store);
      const setItem = proto.setItem;
      proto.setItem = function (k, v) {
        if (this === window.localStorage) send({t: "storage", area: "local", key: String(k).slice(0, 256), origin: location.origin});
        else if (this === window.sessionStorage) send({t: "storage", area: "session", key: String(k).slice(0, 256), origin: location.origin});
        return setItem.apply(this, arguments);
      };
      break; // both areas share Storage.prototype
    } catch (e) {}
  }

  const dntDesc = Object.getOwnPropertyDescriptor(Navigator.prototype, "doNotTrack");
  Object.defineProperty(Navigator.prototype, "doNotTrack", {
    configurable: true,
    enumerable: true,
    get() {
      send({t: "read", p: "doNotTrack", script: scriptURL()});
      if (profile === "dnt") return "1";
      return dntDesc && dntDesc.get ? dntDesc.get.call(this) : null;
    },
  });
  if (profile === "gpc") {
    Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {
      configurable: true,
      enumerable: true,
      get() { send({t: "read", p: "globalPrivacyControl", script: scriptURL()}); return true; },
    });
  }

  // Pending short timers and idle callbacks, so that the scanner waits for
  // a tag a page injects from setTimeout(…, 3000) or requestIdleCallback
  // and leaves a page with nothing pending at once. A callback that
  // schedules another one continues a chain; past chainMax links (a
  // heartbeat, a polling loop) the chain is no longer waited for.
  const chainMax = 3;
  const timers = new Map(), idles = new Map();
  let depth = 0;
  const wrap = (fn, d, done) => function () {
    done();
    const prev = depth;
    depth = d;
    try { return fn.apply(this, arguments); } finally { depth = prev; }
  };
  const realSet = window.setTimeout, realClear = window.clearTimeout, realClearInterval = window.clearInterval;
  const native = (f, real) => {
    try { Object.defineProperty(f, "toString", {value: () => Function.prototype.toString.call(real), configurable: true}); } catch (e) {}
    return f;
  };
  window.setTimeout = native(function (fn, delay, ...args) {
    if (typeof fn !== "function") return realSet.call(window, fn, delay, ...args);
    const d = depth + 1;
    let id = 0;
    id = realSet.call(window, wrap(fn, d, () => timers.delete(id)), delay, ...args);
    if (d <= chainMax) timers.set(id, performance.now() + (Number(delay) || 0));
    return id;
  }, realSet);
  window.clearTimeout = native(function (id) { timers.delete(id); return realClear.call(window, id); }, realClear);
  window.clearInterval = native(function (id) { timers.delete(id); return realClearInterval.call(window, id); }, realClearInterval);
  if (typeof window.requestIdleCallback === "function") {
    const realIdle = window.requestIdleCallback, realCancelIdle = window.cancelIdleCallback;
    window.requestIdleCallback = native(function (fn, opts) {
      if (typeof fn !== "function") return realIdle.call(window, fn, opts);
      const d = depth + 1;
      let id = 0;
      id = realIdle.call(window, wrap(fn, d, () => idles.delete(id)), opts);
      if (d <= chainMax) idles.set(id, true);
      return id;
    }, realIdle);
    window.cancelIdleCallback = native(function (id) { idles.delete(id); return realCancelIdle.call(window, id); }, realCancelIdle);
  }
  // The scanner asks: milliseconds until the last pending timer due within
  // horizon ms fires (0 for a pending idle callback), or -1 for none.
  Object.defineProperty(window, "__privscanPending", {
    configurable: true, enumerable: false,
    value: (horizon) => {
      const now = performance.now();
      let last = idles.size > 0 ? 0 : -1;
      for (const due of timers.values()) {
        const left = Math.max(0, due - now);
        if (left <= horizon && left > last) last = left;
      }
      return Math.round(last);
    },
  });

  // Popups are recorded and not opened: a scan must not wander off.
  const realOpen = window.open;
  window.open = function (url) {
    send({t: "popup", url: String(url || "").slice(0, 2048)});
    return null;
  };
  void realOpen;
})();
