package policy

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

// labelledSentence is one row of testdata/sentences.jsonl: a short policy
// passage written for privscan after reading how real policies phrase DNT,
// GPC, vendor and cookie statements (no sentence is copied from a policy).
type labelledSentence struct {
	Task    string             `json:"task"` // dnt | gpc | vendor | cookie
	Label   string             `json:"label"`
	Text    string             `json:"text"`
	Lang    string             `json:"lang"`
	Split   string             `json:"split"` // dev | heldout, fixed by splitOf
	Vendor  string             `json:"vendor,omitempty"`
	Product *string            `json:"product,omitempty"`
	Cookies map[string]float64 `json:"cookies,omitempty"` // name → lifetime days
	// Batch "fresh" marks rows written after the rules were tuned and run
	// once to report; they are also reported as a group of their own.
	Batch string `json:"batch,omitempty"`
}

// splitOf fixes the held-out fifth: FNV-1a (32 bit) of task, vendor and
// text joined by NUL bytes, modulo 5; 0 is held out. Rules are tuned on
// the dev rows only; the held-out rows are read only to report.
func splitOf(s labelledSentence) string {
	h := fnv.New32a()
	h.Write([]byte(s.Task + "\x00" + s.Vendor + "\x00" + s.Text))
	if h.Sum32()%5 == 0 {
		return "heldout"
	}
	return "dev"
}

func readSentences(t *testing.T) []labelledSentence {
	t.Helper()
	f, err := os.Open("testdata/sentences.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelledSentence
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var s labelledSentence
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("sentences.jsonl:%d: %v", n, err)
		}
		if want := splitOf(s); s.Split != want {
			t.Fatalf("sentences.jsonl:%d: split %q, the hash says %q", n, s.Split, want)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// confusion counts predictions per class: tp, fp, fn.
type confusion map[string]*[3]int

func (c confusion) add(want, got string) {
	for _, k := range []string{want, got} {
		if c[k] == nil {
			c[k] = &[3]int{}
		}
	}
	if want == got {
		c[want][0]++
		return
	}
	c[got][1]++
	c[want][2]++
}

// score returns precision and recall of a class; a class never predicted
// and never wanted scores 1.
func (c confusion) score(class string) (p, r float64) {
	v := c[class]
	if v == nil {
		return 1, 1
	}
	p, r = 1, 1
	if v[0]+v[1] > 0 {
		p = float64(v[0]) / float64(v[0]+v[1])
	}
	if v[0]+v[2] > 0 {
		r = float64(v[0]) / float64(v[0]+v[2])
	}
	return p, r
}

// predict runs the analyser on one labelled passage and returns its class
// (and, for vendors, the product it attributed).
func predict(t *testing.T, s labelledSentence) (class, product string) {
	doc := docFromText(t, s.Text)
	doc.Language = s.Lang
	a := catalogueAnalyzer().Analyze(doc)
	switch s.Task {
	case "dnt":
		return string(a.DNT), ""
	case "gpc":
		return string(a.GPC), ""
	case "vendor":
		class = "not-a-disclosure"
		for _, v := range a.Vendors {
			if v.Vendor != s.Vendor {
				continue
			}
			if class != StanceUses {
				class, product = v.Stance, v.Product
			}
		}
		return class, product
	case "cookie":
		if len(a.Cookies) == 0 {
			return "none", ""
		}
		got := map[string]float64{}
		for _, c := range a.Cookies {
			d := -1.0
			if c.LifetimeDays != nil {
				d = *c.LifetimeDays
			}
			got[c.Name] = d
		}
		if len(got) != len(s.Cookies) {
			return "wrong", fmt.Sprint(got)
		}
		for n, d := range s.Cookies {
			g, ok := got[n]
			if !ok || math.Abs(g-d) > 0.01*d+0.0001 {
				return "wrong", fmt.Sprint(got)
			}
		}
		return "declares", ""
	}
	t.Fatalf("unknown task %q", s.Task)
	return "", ""
}

// sentenceFloors are the per-class precision and recall floors. The dev
// floors hold the rules to what they reach on the rows they were tuned on;
// the held-out floors are set from the first run after tuning, rounded
// down, and guard against regressions. The target is 0.95 per class
// on held-out; where a floor is lower the report says so.
//
// Held-out at the time of writing: every DNT, GPC, vendor and cookie
// class 1.00. (Cookie declarations were 0.86 until prose declarations
// without the word "cookie" — "Google Ads sets … for 90 days" — were read;
// that rule was written from development rows of its own, batch
// "cookie-prose", in ten languages. Batches "i18n-stance" and
// "i18n-stance-2" are DNT, GPC and vendor sentences in the other languages;
// their held-out rows were first read after the rules were tuned on their
// dev rows, and two misses there led to "i18n-stance-2".)
var sentenceFloors = map[string]float64{
	"dev":     0.95,
	"heldout": 0.95,
	"fresh":   0.90,
}

// TestLabelledSentences measures the analyser on the labelled sentence set:
// per task and class, precision and recall on the dev rows and on the
// held-out fifth, and product attribution for vendor rows.
func TestLabelledSentences(t *testing.T) {
	rows := readSentences(t)
	if len(rows) < 400 {
		t.Fatalf("%d labelled sentences, want at least 400", len(rows))
	}
	for _, split := range []string{"dev", "heldout", "fresh"} {
		t.Run(split, func(t *testing.T) {
			byTask := map[string]confusion{}
			prodOK, prodN := 0, 0
			for _, s := range rows {
				if s.Split != split && (split != "fresh" || s.Batch != "fresh") {
					continue
				}
				got, product := predict(t, s)
				if byTask[s.Task] == nil {
					byTask[s.Task] = confusion{}
				}
				byTask[s.Task].add(s.Label, got)
				if got != s.Label {
					t.Logf("%s %s: want %s, got %s %s: %q", s.Task, s.Vendor, s.Label, got, product, s.Text)
				}
				if s.Task == "vendor" && s.Label != "not-a-disclosure" && got == s.Label {
					prodN++
					want := ""
					if s.Product != nil {
						want = *s.Product
					}
					if product == want {
						prodOK++
					} else {
						t.Logf("product %s: want %q, got %q: %q", s.Vendor, want, product, s.Text)
					}
				}
			}
			tasks := make([]string, 0, len(byTask))
			for k := range byTask {
				tasks = append(tasks, k)
			}
			sort.Strings(tasks)
			floor := sentenceFloors[split]
			for _, task := range tasks {
				c := byTask[task]
				classes := make([]string, 0, len(c))
				for k := range c {
					classes = append(classes, k)
				}
				sort.Strings(classes)
				var parts []string
				for _, class := range classes {
					if class == "wrong" {
						continue
					}
					p, r := c.score(class)
					v := c[class]
					parts = append(parts, fmt.Sprintf("%s P=%.2f R=%.2f (n=%d)", class, p, r, v[0]+v[2]))
					if p < floor || r < floor {
						t.Errorf("%s %s %s: precision %.2f recall %.2f, floor %.2f", split, task, class, p, r, floor)
					}
				}
				t.Logf("%s %s: %s", split, task, strings.Join(parts, "; "))
			}
			if prodN > 0 {
				acc := float64(prodOK) / float64(prodN)
				t.Logf("%s vendor product attribution: %d/%d", split, prodOK, prodN)
				if acc < floor {
					t.Errorf("%s product attribution %.2f below floor %.2f", split, acc, floor)
				}
			}
		})
	}
}
