// Package web is privscan's dashboard: sites and their latest findings, a
// findings-over-time chart per site (server-rendered SVG), each stored
// scan's HTML report, diffs between scans, and the monitors. Every page
// needs the bearer token, sent as an Authorization header or as the cookie
// the login form sets.
package web

import (
	"cmp"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/privscan/privscan/internal/diff"
	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/netguard"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

//go:embed templates/*.html
var templateFS embed.FS

// CookieName is the session cookie the login form sets.
const CookieName = "privscan_token"

// Server serves the dashboard.
type Server struct {
	db    *store.DB
	token string
	// AllowPrivate lets monitors target private and loopback addresses.
	allowPrivate bool
	resolver     netguard.Resolver
	log          *slog.Logger
	tmpl         *template.Template
}

// Config configures a Server.
type Config struct {
	// Token is required; requests without it are refused.
	Token        string
	AllowPrivate bool
	Resolver     netguard.Resolver
	Logger       *slog.Logger
}

// New returns a dashboard on db.
func New(db *store.DB, cfg Config) (*Server, error) {
	if len(cfg.Token) < 8 {
		return nil, errors.New("the dashboard needs a token of at least 8 characters (--token or PRIVSCAN_TOKEN)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	funcs := template.FuncMap{
		"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"inc":  func(i int) int { return i + 1 },
	}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Server{db: db, token: cfg.Token, allowPrivate: cfg.AllowPrivate, resolver: cfg.Resolver, log: cfg.Logger, tmpl: tmpl}, nil
}

// Handler returns the dashboard's routes behind the token check.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	auth := http.NewServeMux()
	auth.HandleFunc("GET /{$}", s.sites)
	auth.HandleFunc("GET /site", s.site)
	auth.HandleFunc("GET /site/chart.svg", s.chart)
	auth.HandleFunc("GET /scans/{id}", s.scanReport(report.FormatHTML, "text/html; charset=utf-8"))
	auth.HandleFunc("GET /scans/{id}/json", s.scanReport(report.FormatJSON, "application/json"))
	auth.HandleFunc("GET /diff", s.diff)
	auth.HandleFunc("GET /monitors", s.monitors)
	auth.HandleFunc("POST /monitors", s.addMonitor)
	auth.HandleFunc("POST /monitors/{id}/delete", s.removeMonitor)
	mux.Handle("/", s.requireToken(auth))
	return securityHeaders(mux)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) validToken(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

// requireToken accepts "Authorization: Bearer TOKEN" or the login cookie.
// State-changing requests with the cookie must come from this origin.
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.validToken(strings.TrimSpace(bearer)) {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(CookieName); err == nil && s.validToken(c.Value) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
				http.Error(w, "cross-origin request refused", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="privscan"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	})
}

func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return r.Header.Get("Sec-Fetch-Site") == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
	}
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	s.log.Error("dashboard", "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, "login.html", map[string]any{"Next": safeNext(r.URL.Query().Get("next")), "Failed": r.URL.Query().Has("failed")})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.FormValue("next"))
	if !s.validToken(r.FormValue("token")) {
		time.Sleep(500 * time.Millisecond)
		http.Redirect(w, r, "/login?failed=1&next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, MaxAge: 30 * 24 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) sites(w http.ResponseWriter, r *http.Request) {
	sites, err := s.db.Sites(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, "sites.html", map[string]any{"Sites": sites})
}

func (s *Server) site(w http.ResponseWriter, r *http.Request) {
	site := r.URL.Query().Get("site")
	scans, err := s.db.Scans(r.Context(), site, 100)
	if err != nil {
		s.fail(w, err)
		return
	}
	if len(scans) == 0 {
		http.Error(w, "no scans of that site", http.StatusNotFound)
		return
	}
	latest, err := s.db.Scan(r.Context(), scans[0].ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, "site.html", map[string]any{"Site": site, "Scans": scans, "Latest": latest, "LatestID": scans[0].ID})
}

func (s *Server) chart(w http.ResponseWriter, r *http.Request) {
	scans, err := s.db.Scans(r.Context(), r.URL.Query().Get("site"), 60)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	if err := s.tmpl.ExecuteTemplate(w, "chart.svg.html", newChart(scans)); err != nil {
		s.log.Error("chart", "err", err)
	}
}

func (s *Server) loadScan(w http.ResponseWriter, r *http.Request, raw string) (*report.Report, bool) {
	id, err := store.ParseScanID(raw)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, false
	}
	rep, err := s.db.Scan(r.Context(), id)
	if err != nil {
		s.fail(w, err)
		return nil, false
	}
	return rep, true
}

// scanReport serves the stored scan {id} in format.
func (s *Server) scanReport(format report.Format, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep, ok := s.loadScan(w, r, r.PathValue("id"))
		if !ok {
			return
		}
		w.Header().Set("Content-Type", contentType)
		wr, err := report.NewWriter(format, w, report.WriterOptions{})
		if err == nil {
			err = wr.Write(r.Context(), rep)
		}
		if err != nil {
			s.log.Error(string(format)+" report", "err", err)
		}
	}
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	old, ok := s.loadScan(w, r, q.Get("old"))
	if !ok {
		return
	}
	cur, ok := s.loadScan(w, r, q.Get("new"))
	if !ok {
		return
	}
	res := diff.Compare(old, cur)
	res.Old.Ref, res.New.Ref = "scan "+q.Get("old"), "scan "+q.Get("new")
	if q.Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json")
		_ = diff.Write(w, diff.FormatJSON, res)
		return
	}
	s.render(w, "diff.html", map[string]any{"D": res, "OldID": q.Get("old"), "NewID": q.Get("new")})
}

func (s *Server) monitors(w http.ResponseWriter, r *http.Request) {
	ms, err := s.db.Monitors(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, "monitors.html", map[string]any{"Monitors": ms, "Error": r.URL.Query().Get("error"), "Added": r.URL.Query().Get("added")})
}

func (s *Server) addMonitor(w http.ResponseWriter, r *http.Request) {
	back := func(key, msg string) {
		http.Redirect(w, r, "/monitors?"+key+"="+url.QueryEscape(msg), http.StatusSeeOther)
	}
	u, err := scan.ParseTarget(r.FormValue("url"))
	if err != nil {
		back("error", err.Error())
		return
	}
	every, err := time.ParseDuration(cmp.Or(r.FormValue("every"), "24h"))
	if err != nil || every < time.Minute {
		back("error", "interval: want a duration of at least 1m, e.g. 24h")
		return
	}
	if !s.allowPrivate {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		err := netguard.CheckTarget(ctx, s.resolver, u)
		cancel()
		if err != nil {
			back("error", err.Error())
			return
		}
	}
	// Without --allow-private the worker keeps checking: the name may
	// resolve elsewhere by the time it is scanned.
	opts := monitor.Options{PublicOnly: !s.allowPrivate}
	if mp, err := strconv.Atoi(r.FormValue("max_pages")); err == nil && mp > 0 {
		opts.MaxPages = mp
	}
	m, err := s.db.AddMonitor(r.Context(), store.Monitor{URL: u.String(), Every: every, Options: opts.Marshal()})
	if err != nil {
		s.fail(w, err)
		return
	}
	back("added", m.URL)
}

func (s *Server) removeMonitor(w http.ResponseWriter, r *http.Request) {
	if err := s.db.RemoveMonitor(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/monitors", http.StatusSeeOther)
}
