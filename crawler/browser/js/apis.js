// Calls the IAB privacy APIs the page exposes (US Privacy, GPP, TCF), each
// with a timeout, and returns their answers as JSON text.
(async () => {
  const call = (fn) => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 1500);
    try {
      fn((data, success) => {
        clearTimeout(timer);
        let text;
        try { text = JSON.stringify({data, success}); } catch (e) { text = null; }
        resolve(text ? text.slice(0, 8192) : null);
      });
    } catch (e) { clearTimeout(timer); resolve(null); }
  });
  const out = {};
  if (typeof window.__uspapi === "function") out.uspapi = await call((cb) => window.__uspapi("getUSPData", 1, cb));
  if (typeof window.__gpp === "function") out.gpp = await call((cb) => window.__gpp("ping", cb));
  if (typeof window.__tcfapi === "function") out.tcfapi = await call((cb) => window.__tcfapi("getTCData", 2, cb));
  for (const k of Object.keys(out)) if (out[k] === null) delete out[k];
  return JSON.stringify(out);
})()
