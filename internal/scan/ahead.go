package scan

import (
	"context"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
)

// visitPlan is how visitAll spends a profile's visits.
type visitPlan struct {
	// grow lets the page list grow from rendered links (the first profile).
	grow bool
	// home is the home page's visit when it was made ahead (startAhead).
	home *crawler.Visit
	// slots bounds the visits in flight, this profile's and the next's.
	slots chan struct{}
	// idle, when set, is called once when no page is left to start.
	idle func()
}

// newSession opens a session for profile with n tabs and the scan's visit
// settings.
func (s *Scanner) newSession(ctx context.Context, profile crawler.Profile, n int) (*browser.Session, error) {
	sess, err := s.browser.NewSession(ctx, profile, n)
	if err != nil {
		return nil, err
	}
	sess.PageTimeout = s.opts.PageTimeout
	sess.Dwell, sess.NoInteraction = s.opts.Dwell, s.opts.NoInteraction
	return sess, nil
}

// aheadStart is a profile started while the previous one ends: its session
// (a browser context of its own, so nothing carries over) and its visit of
// the home page.
type aheadStart struct {
	profile crawler.Profile
	done    chan struct{}
	sess    *browser.Session
	home    *crawler.Visit
	err     error
}

// startAhead opens profile's session and visits home in one of slots, in
// the background. The home page is visited first in every profile, alone
// in its session, so starting it early changes nothing a profile records.
func (s *Scanner) startAhead(ctx context.Context, profile crawler.Profile, home string, slots chan struct{}) *aheadStart {
	a := &aheadStart{profile: profile, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.sess, a.err = s.newSession(ctx, profile, s.opts.Concurrency)
		if a.err != nil {
			return
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		if ctx.Err() != nil {
			<-slots
			return
		}
		v, err := a.sess.VisitWith(ctx, home, false)
		<-slots
		if err == nil {
			a.home = v
		}
	}()
	return a
}

// wait returns the session and the home page's visit (nil when it was not
// made) once the start is over.
func (a *aheadStart) wait() (*browser.Session, *crawler.Visit, error) {
	<-a.done
	return a.sess, a.home, a.err
}

// discard closes the session of a start that was never used (the scan
// ended first).
func (a *aheadStart) discard() {
	if sess, _, _ := a.wait(); sess != nil {
		sess.Close()
	}
}
