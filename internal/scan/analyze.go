package scan

import (
	"cmp"
	"context"
	"time"

	"github.com/privscan/privscan/detectors"
	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/report"
)

// DefaultPlugins returns the analysis stages of a standard scan: the
// detectors (vendor catalogue plus any user rules, cookie classification,
// third parties, consent, signals), the policy analyser and the audit. Only
// opts.Rules is read here: each scan's own settings (--policy, --ignore,
// --show-values) come with its Observations.
func DefaultPlugins(opts Options) (Plugins, error) {
	set, err := detectors.New(detectors.Options{Rules: opts.Rules})
	if err != nil {
		return Plugins{}, &UsageError{err}
	}
	stage := &policyStage{terms: policyTerms(set.Catalogue)}
	vendors := func(slug string) (audit.VendorInfo, bool) {
		v := set.Catalogue.Vendor(slug)
		if v == nil {
			return audit.VendorInfo{}, false
		}
		return audit.VendorInfo{Name: v.Name, Category: v.Category, Source: cmp.Or(v.Source, report.SourceCatalogue)}, true
	}
	return Plugins{
		Catalogue:    set.Catalogue,
		ProbeGlobals: set.ProbeGlobals(),
		Analyze: func(ctx context.Context, obs *Observations, r *report.Report) error {
			interrupted := ctx.Err() != nil
			if interrupted {
				// Classify what was collected; a short, uncancelled budget
				// for gpc.json keeps an interrupted scan's report useful.
				c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				ctx = c
			}
			res := set.Run(ctx, obs.Home.String(), obs.Visits, obs.Client)
			r.Trackers = res.Trackers
			r.ThirdParties = res.ThirdParties
			r.Consent = res.Consent
			r.Signals = res.Signals
			attachConsentMode(r, obs.Visits)
			r.Cookies = CookiesOf(obs.Home, obs.Visits, obs.FinalJars, obs.Options.ShowValues)
			for i := range r.Cookies {
				c := &r.Cookies[i]
				class, ok := res.Cookies[detectors.CookieKey{Name: c.Name, Domain: c.Domain}]
				if !ok {
					class = set.ClassifyCookie(c.Name, c.Domain)
				}
				detectors.Apply(c, class)
			}
			if interrupted {
				// Findings from a partial crawl would be wrong (a vendor on
				// an unvisited page is not "disclosed but not observed").
				r.Errors = append(r.Errors, "the scan was interrupted: trackers and cookies cover the pages visited; the policy was not analysed and no findings were computed")
				return nil
			}
			a := stage.run(ctx, obs)
			pol, err := PolicyToReport(a, a.URL)
			if err != nil {
				return err
			}
			r.Policy = pol
			findings := audit.Audit(audit.Input{Report: r, Vendors: vendors})
			kept, suppressed, notes := audit.Suppress(findings, obs.Options.Ignore, time.Now())
			r.Findings, r.Suppressed = kept, suppressed
			r.Errors = append(r.Errors, notes...)
			return nil
		},
	}, nil
}
