package consent_test

import (
	"strings"
	"testing"

	cconsent "github.com/privscan/privscan/crawler/consent"
	"github.com/privscan/privscan/detectors/consent"
)

// TestPlatformsAreTheOneTable holds every consumer of platform names to
// consent.Platforms: slugs are unique, every detector rule and every banner
// rule of the consent engine (crawler/consent/rules.json, which keeps its
// own copy of the names because the crawler does not import detectors) is
// a platform of the table, and a banner rule's name is the platform's name,
// at most qualified ("HubSpot cookie banner" for HubSpot).
func TestPlatformsAreTheOneTable(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range consent.Platforms {
		if p.Slug == "" || p.Name == "" || seen[p.Slug] {
			t.Errorf("platform %+v: empty or duplicate", p)
		}
		seen[p.Slug] = true
	}
	for _, c := range consent.CMPs {
		if !seen[c.Slug] {
			t.Errorf("detector rule %q is not in consent.Platforms", c.Slug)
		}
	}
	rules, err := cconsent.Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if !seen[r.Slug] {
			t.Errorf("banner rule %q is not in consent.Platforms", r.Slug)
			continue
		}
		if name := consent.PlatformName(r.Slug); !strings.HasPrefix(r.Name, name) {
			t.Errorf("banner rule %q is named %q, the table says %q", r.Slug, r.Name, name)
		}
	}
	for slug, want := range map[string]string{"onetrust": "OneTrust", "borlabs": "Borlabs Cookie", "iubenda": "iubenda", "generic": "generic"} {
		if got := consent.PlatformName(slug); got != want {
			t.Errorf("PlatformName(%q) = %q, want %q", slug, got, want)
		}
	}
}
