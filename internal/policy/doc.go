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
//     user's --rules). With the entity table the list has thousands of
//     names: NewAnalyzer compiles it once for many documents (a scan's
//     policy stage keeps one).
//     AnalyzeFile and AnalyzeURL chain the steps.
//
// # Vendor disclosures (precision first)
//
//   - A vendor term ("Google Analytics", "GA4", "Meta Pixel", "LinkedIn") in
//     a sentence that speaks of a data practice (use, collect, cookies,
//     tracking, analytics, advertising, service, provider, data …) counts as
//     "uses". A bare name ("our case study on HubSpot customers") does not.
//   - Social mentions — "follow us on Facebook", "share on LinkedIn", "our
//     LinkedIn page", "we have pages on Facebook", "contact us via LinkedIn"
//     — do not count unless the same sentence talks about tracking
//     (cookies, pixels, tags, ads, analytics, conversions).
//   - Not a disclosure either: past use or removal ("we removed the
//     Facebook Pixel in 2023", "until 2022 we used …"), opt-out instructions,
//     pointers to the vendor's own policy or terms, business relations ("we
//     are a certified HubSpot partner") — unless the same sentence says the
//     site uses something — and a name inside a condition about its own
//     deployment ("if GA is deployed via Google Tag Manager, the cookie is
//     named …"; in a cookie-table row only the name after the verb).
//   - Products: each disclosure names the product it is about
//     (VendorDisclosure.Product, the report's policy.vendors[].product): a
//     product's own name ("Meta Pixel", "Facebook Login"), the vendor's
//     main product for its other names, and for a company name alone
//     ("Facebook", "LinkedIn") the product its sentence points to ("share
//     button" → Facebook social plugins, "pixel"/"conversion" → Meta Pixel)
//     or none (JSON null: the company only). Products and the main
//     product's context words come from VendorTerms.Products and
//     VendorTerms.MainContext (the catalogue's products: and main_context:).
//     Mentions that are no disclosure are omitted from Vendors.
//   - "denies": a negated use verb in the clause before the name ("we do not
//     use Facebook Pixel", "we use neither … nor …") or a negated passive
//     after it ("Google Analytics is not used"). Clauses end at ";", "but",
//     "however", "while"; "except"/"other than" before the name means use.
//     Other negations ("we do not sell data to Facebook") give no stance. A
//     denial with a purpose after the name ("we do not use Google Analytics
//     cookies to identify you", "GA is not used to collect personal data",
//     "… for advertising") is use with a restriction: "uses".
//   - An entity vendor's company (VendorTerms.Companies: "LogMeIn" for
//     BoldChat) names it only in a sentence saying data goes to the
//     company or the site uses it, a vendor list's entry or a cookie-table
//     row. A menu, breadcrumb or list of links outside a table ("Solutions
//     | Hotjar | Support | Login") names no vendor as used.
//   - A parent company alone ("Google", "Microsoft", "Meta") counts only when
//     the sentence also contains one of the vendor's ParentContext stems
//     ("analytic"/"statistic" for Google Analytics, "captcha"/"spam" for
//     reCAPTCHA, "tag manag" for Tag Manager). Google with only "cookies" or
//     "advertising" names none of the Google vendors: it is ambiguous.
//   - A row of a cookie declaration table that names the vendor (provider
//     cell or description) counts as use. So does a vendor list's label
//     before the company, in any of the ten languages ("Dienstanbieter:
//     Google Ireland Limited", "Anbieter: HubSpot, Inc.", "Verwerker:
//     Leadinfo B.V."); a section heading naming the product gives a parent
//     company its context.
//   - One entry per vendor and product; when a product is both used and
//     denied, "uses" wins. A company-only entry beside the vendor's main
//     product with the same stance is dropped.
//   - Policies in German, Dutch, Danish, Norwegian, Swedish, French,
//     Spanish, Italian or Polish (Document.Language) are read with coarser
//     per-language cues (vendors_i18n.go): a denial needs a negation and a
//     use verb in the name's clause ("Wir verwenden keinen Facebook Pixel",
//     "HubSpot wordt niet gebruikt"); other negations give no stance; a use
//     verb or a data-practice word gives "uses"; "folgen Sie uns auf …"-style
//     social mentions do not count. A purpose after the negated use ("Wir
//     verwenden GA nicht, um Sie zu identifizieren", "… à des fins
//     publicitaires") is use with a restriction; past use or removal
//     anywhere in the sentence ("Bis 2021 …; wurde entfernt", "Voorheen
//     gebruikten wij …") is no disclosure; clauses also end at a comma
//     before "aber", "mais", "pero" …. English sentences keep their denials.
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
//   - Sentences are read by clause: coordinated main clauses (";", ", so",
//     ", but" …), each with its conditions ("if/when/where …"), and the
//     concessive ("although/while/though …") and causal ("because/since/as
//     …") clauses. Main clauses decide; concessive clauses count only when
//     no main clause states a stance, causal ones never ("although we try to
//     honour your preferences, we cannot respond to DNT" is not-honored).
//     When the signal is named only in a reason ("since there is no
//     standard for DNT, we do not change our practices"), the main clause's
//     stance verb is about it. "No accepted standard for …", "no agreed way
//     to interpret …" and "standard for honoring" phrases are dropped.
//   - "Even if/when/though DNT is on, we still / continue to …" is
//     not-honored; "treated the same as any other request" is not-honored;
//     a clause about evaluation or future plans ("we are evaluating whether
//     to support GPC", "may in the future") states nothing.
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
//   - Other languages, by clause: a stance verb and a negation in a clause
//     about the signal ("Wir reagieren nicht auf Do-Not-Track-Signale",
//     "Nous respectons le signal GPC", "ignorieren" inverted); the signal
//     named only in a reason without a standard or a condition, with the
//     stance verb in the main clause ("Da es keinen Standard gibt,
//     reagieren wir nicht darauf"); anaphora ("solche Signale", "n'y",
//     "daarop") in the same or the next sentence; a condition on the
//     signal with a tracking step switched off or negated is honored
//     ("Wenn Ihr Browser DNT sendet, setzen wir keine Analyse-Cookies",
//     "Sendet Ihr Browser …, wird GA nicht geladen"); "auch wenn … weiterhin"
//     is not-honored; evaluation, future plans and third parties state
//     nothing; anything else naming the signal is unclear.
//
// # Cookies and mentions
//
// Cookie tables are recognised by header (name/cookie plus expiry, duration,
// lifespan, storage duration … in several languages) or, without a header,
// by cookie-like first cells and a column of durations. OneTrust cells with
// several cookies and lifespans are paired by position; rows with a missing
// provider cell are realigned. Columns are found by their header in the ten
// languages. Rows that repeat the header, one-cell section rows ("Analytics
// cookies"), footnotes and merged cells are not cookies: a name has no
// spaces unless it is a list or given in brackets. Prose is read too: list
// items ("_ga: … expires after 2 years", "PHPSESSID – … – session"),
// sentences naming one cookie and one lifetime ("the _ga cookie expires
// after 2 years", "Das Cookie _ga wird nach 2 Jahren gelöscht") or
// several cookies each with its own ("sets _ga (2 years) and _gid (24
// hours)"); without the word cookie, a name with a cookie name's
// punctuation and a verb that sets it ("Google Ads sets _gcl_au for 90
// days", "Hotjar dépose _hjid pour 1 an"; "stores" only for names that
// begin with "_"), and
// labelled fields over several lines ("Cookie name: _ga." "Expiry: 2
// years."). ParseDuration converts declared lifetimes to days
// (month = 30, year = 365, ranges take the maximum, "persistent" is unknown).
// Mentions are keyword flags; a declared session cookie also sets
// session_cookies and a declared lifetime of a day or more persistent_cookies.
package policy
