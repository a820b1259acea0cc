// Calls the IAB privacy APIs the page exposes (US Privacy, GPP, TCF), each
// with a timeout and all at once, and reads the Google Consent Mode
// commands in the dataLayer; returns their answers as JSON text. An API
// that throws or never answers is recorded as {"error": "..."} so the
// report can say so.
(async () => {
  const call = (fn) => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(JSON.stringify({error: "no answer within 1.5 s"})), 1500);
    try {
      fn((data, success) => {
        clearTimeout(timer);
        let text;
        try { text = JSON.stringify({data, success}); } catch (e) { text = null; }
        resolve(text ? text.slice(0, 16384) : null);
      });
    } catch (e) {
      clearTimeout(timer);
      resolve(JSON.stringify({error: String((e && e.message) || e).slice(0, 200)}));
    }
  });
  // TCF v2.2 deprecates getTCData in favour of addEventListener (a CMP
  // answers a new listener at once with the current TC data); both are
  // asked at the same time so a CMP that knows only one costs no extra wait.
  const tcf = async () => {
    let listener = null;
    const [viaListener, viaGet] = await Promise.all([
      call((cb) => window.__tcfapi("addEventListener", 2, (data, success) => {
        if (data && typeof data.listenerId === "number") listener = data.listenerId;
        if (data && typeof data.tcString === "string") cb(data, success);
      })),
      call((cb) => window.__tcfapi("getTCData", 2, cb)),
    ]);
    if (listener !== null) { try { window.__tcfapi("removeEventListener", 2, () => {}, listener); } catch (e) {} }
    const has = (v) => v && v.indexOf('"tcString"') >= 0;
    if (has(viaListener)) return viaListener;
    if (has(viaGet)) return viaGet;
    // Prefer a thrown error over a timeout: it says more.
    return [viaListener, viaGet].find((v) => v && v.indexOf("no answer within") < 0) || viaListener || viaGet;
  };
  const consentCommands = () => {
    const dl = window.dataLayer;
    if (!Array.isArray(dl)) return null;
    const out = [];
    for (let i = 0; i < dl.length && out.length < 50; i++) {
      const e = dl[i];
      if (!e || typeof e.length !== "number" || e[0] !== "consent") continue;
      try { out.push(JSON.parse(JSON.stringify([e[0], e[1], e[2]]))); } catch (err) {}
    }
    return out.length ? JSON.stringify(out).slice(0, 16384) : null;
  };
  const out = {};
  const jobs = [];
  if (typeof window.__uspapi === "function") jobs.push(call((cb) => window.__uspapi("getUSPData", 1, cb)).then((v) => { out.uspapi = v; }));
  if (typeof window.__gpp === "function") jobs.push(call((cb) => window.__gpp("ping", cb)).then((v) => { out.gpp = v; }));
  if (typeof window.__tcfapi === "function") jobs.push(tcf().then((v) => { out.tcfapi = v; }));
  await Promise.all(jobs);
  try { out.datalayer = consentCommands(); } catch (e) { out.datalayer = null; }
  for (const k of Object.keys(out)) if (out[k] === null) delete out[k];
  return JSON.stringify(out);
})()
