// Package browser drives Chromium through chromedp and turns what a page does
// into crawler.Visit records. One Browser serves a whole scan; a Session is a
// fresh browser context (cookie jar) for one profile with a few long-lived
// tabs. Each tab sends its profile's signals (Sec-GPC / DNT headers and the
// navigator properties, set before any page script), records every request
// joined across the network events, Set-Cookie lines with what the browser
// did with them, document.cookie and storage writes with the writing script,
// reads of the privacy-signal properties, and, once the page settles, the
// cookie jar, globals, privacy APIs, overlays, links and rendered DOM.
package browser
