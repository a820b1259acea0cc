// Package policy finds a site's privacy policy, reads it and reports what it
// discloses: the vendors it names or denies, the cookies it declares, its
// stance on Do Not Track (DNT) and Global Privacy Control (GPC), and the
// tracking practices it mentions. Every result carries the quoted sentence
// (or table row) and its section heading, so an auditor can check it.
//
// # Pipeline
//
//   - FindCandidates scores page links (text, title, aria-label, URL path;
//     footer and same-site preferred) in ten languages; CommonPaths gives
//     fallbacks.
//   - A Fetcher (HTTPFetcher, or the scan pipeline's rendered-Chromium
//     fetcher) gets the bytes; Extract turns HTML, text/Markdown or PDF in any
//     charset into a Document of headed sections, sentences and tables.
//     Input is capped at MaxExtractBytes; Document.Truncated says so.
//   - Analyze reads the Document against a []VendorTerms list
//     (the detectors catalogue's names and parent companies, with the
//     user's --rules).
//     AnalyzeFile and AnalyzeURL chain the steps.
//
// # Vendor disclosures (precision first)
//
//   - A vendor term ("Google Analytics", "GA4", "Meta Pixel", "LinkedIn") in
//     a sentence that speaks of a data practice (use, collect, cookies,
//     tracking, analytics, advertising, service, provider, data …) counts as
//     "uses". A bare name ("our case study on HubSpot customers") does not.
//   - Social mentions — "follow us on Facebook", "share on LinkedIn", "our
//     LinkedIn page", "sign in with LinkedIn" — do not count unless the same
//     sentence talks about tracking (cookies, pixels, tags, ads, analytics,
//     conversions).
//   - "denies": a negated use verb in the clause before the name ("we do not
//     use Facebook Pixel", "we use neither … nor …") or a negated passive
//     after it ("Google Analytics is not used"). Clauses end at ";", "but",
//     "however", "while"; "except"/"other than" before the name means use.
//     Other negations ("we do not sell data to Facebook") give no stance.
//   - A parent company alone ("Google", "Microsoft", "Meta") counts only when
//     the sentence also contains one of the vendor's ParentContext stems
//     ("analytic"/"statistic" for Google Analytics, "captcha"/"spam" for
//     reCAPTCHA, "tag manag" for Tag Manager). Google with only "cookies" or
//     "advertising" names none of the Google vendors: it is ambiguous.
//   - A row of a cookie declaration table that names the vendor (provider
//     cell or description) counts as use.
//   - One entry per vendor; when a vendor is both used and denied, "uses"
//     wins (denials are often partial: "not for advertising").
//   - Policies in German, Dutch, Danish, Norwegian, Swedish, French,
//     Spanish, Italian or Polish (Document.Language) are read with coarser
//     per-language cues (vendors_i18n.go): a denial needs a negation and a
//     use verb in the name's clause ("Wir verwenden keinen Facebook Pixel",
//     "HubSpot wordt niet gebruikt"); other negations give no stance; a use
//     verb or a data-practice word gives "uses"; "folgen Sie uns auf …"-style
//     social mentions do not count. English sentences keep their denials.
//
// # DNT and GPC stance
//
// Stances are honored, not-honored, unclear (named, but the site's own stance
// cannot be determined) and not-mentioned. Rules:
//
//   - Signal names are masked before negation is read: "Do Not Track" is a
//     name when hyphenated, capitalised, quoted or followed by a noun such as
//     "signals"/"settings"; "we do not track users" is not a mention. GPC is
//     "Global Privacy Control", "GPC", "opt-out preference signal(s)",
//     "universal opt-out mechanism". "Do Not Sell" phrases are masked too.
//   - Contractions are expanded (don't, doesn't, won't, can't).
//   - Reason clauses ("because there is no industry standard …") and
//     "standard for honoring" phrases are dropped before reading the verb.
//   - A stance verb (honor, respect, recognize, support, process, respond,
//     treat as, take action, alter, ignore …) with the site as subject
//     decides; a negation in the five words before it means not-honored
//     ("ignore" inverts). Any subject other than third parties, advertisers,
//     partners, "they", users or browsers is the site, so company names work.
//   - Hedges before the verb ("may not respond to every signal", "would
//     require us to recognize") give unclear.
//   - Conditionals: "if/when your browser sends DNT, we will not track / we
//     disable / we treat it as an opt-out" is honored. Hypotheticals ("if we
//     deploy support …", "if a standard is adopted …") are unclear.
//   - Statements about third parties ("third parties may not honor DNT") are
//     not the site's stance: on their own they give unclear, with the quote.
//   - Window: when a sentence names the signal without a stance, the next
//     sentence is read with its anaphora ("these signals", "such requests",
//     "them") taken as the signal. In a section headed by the signal's name,
//     sentences about "signals"/"requests"/"settings" are read likewise.
//   - Several decisive sentences: the majority wins, a tie goes to the first.
//   - Stance verbs are English; in other languages a named signal is
//     reported as unclear.
//
// # Cookies and mentions
//
// Cookie tables are recognised by header (name/cookie plus expiry, duration,
// lifespan, storage duration … in several languages) or, without a header,
// by cookie-like first cells and a column of durations. OneTrust cells with
// several cookies and lifespans are paired by position; rows with a missing
// provider cell are realigned. Prose items such as "_ga: … expires after 2
// years" are read too. ParseDuration converts declared lifetimes to days
// (month = 30, year = 365, ranges take the maximum, "persistent" is unknown).
// Mentions are keyword flags; a declared session cookie also sets
// session_cookies and a declared lifetime of a day or more persistent_cookies.
package policy
