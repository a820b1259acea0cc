// Package consentstate decodes the consent state a site leaves in the
// browser: IAB Europe TCF v2.2 TC strings (the __tcfapi answer and the
// euconsent-v2 cookie), IAB Tech Lab GPP strings (the __gpp answer) with
// their tcfeuv2, uspv1, usnat and usca sections, and Google Consent Mode
// (the consent commands in the dataLayer and the gcs, gcd and npa
// parameters of Google's own hits).
//
// Everything here is pure Go over strings the page handed us, so every
// decoder treats its input as hostile: a malformed, truncated or oversized
// string gives an error, never a panic, and no input can make a decoder
// allocate more than a bounded amount (vendor ids are 16-bit, so vendor
// sets are bitsets of at most 65,536 bits).
//
// The encodings follow IAB Tech Lab's public specifications ("Consent
// string and vendor list formats v2", the GPP "Consent String
// Specification" and section specifications) and Google's public Consent
// Mode documentation. Other packages import this one for Consent Mode
// decoding rather than keeping a copy.
package consentstate
