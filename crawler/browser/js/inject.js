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

  // Popups are recorded and not opened: a scan must not wander off.
  const realOpen = window.open;
  window.open = function (url) {
    send({t: "popup", url: String(url || "").slice(0, 2048)});
    return null;
  };
  void realOpen;
})();
