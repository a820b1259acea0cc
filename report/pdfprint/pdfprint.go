// Package pdfprint prints HTML documents to PDF with headless Chromium. Its
// ChromiumPrinter implements report.PDFPrinter for the PDF report format:
// A4, backgrounds, and "page X of Y" in the footer.
package pdfprint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler/browser"
)

// DefaultFooter is the footer template: page X of Y, centred, small and
// grey. Chromium fills the pageNumber and totalPages classes.
const DefaultFooter = `<div style="width:100%;font-family:Arial,'Liberation Sans',sans-serif;font-size:8px;color:#718096;text-align:center;padding:0 12mm">` +
	`Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`

// DefaultTimeout bounds one PrintPDF call, browser start included.
const DefaultTimeout = 60 * time.Second

// ChromiumPrinter prints HTML to PDF in headless Chromium. The zero value
// launches its own browser for each call (found like
// crawler/browser.FindChrome does); set Browser to print in a new tab of a
// browser the caller already runs.
type ChromiumPrinter struct {
	// ExecPath is the browser binary; empty means browser.FindChrome("").
	ExecPath string
	// Browser is an optional chromedp context of a running browser (one
	// that has been Run once). PrintPDF then opens a tab in it instead of
	// launching a browser.
	Browser context.Context
	// Footer is the footer template; empty means DefaultFooter.
	Footer string
	// Timeout bounds one call; 0 means DefaultTimeout.
	Timeout time.Duration
}

// PrintPDF loads html into a blank tab (no network: the document replaces
// about:blank's content) and prints it on A4 with backgrounds and the
// footer. It returns the PDF bytes.
func (p *ChromiumPrinter) PrintPDF(ctx context.Context, html []byte) ([]byte, error) {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	parent := p.Browser
	if parent == nil {
		bctx, stop, err := p.launch(ctx)
		if err != nil {
			return nil, err
		}
		defer stop()
		parent = bctx
	}
	tab, closeTab := chromedp.NewContext(parent)
	defer closeTab()
	// Bind the caller's deadline to the tab's actions.
	stopAfter := context.AfterFunc(ctx, closeTab)
	defer stopAfter()

	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		return nil, fmt.Errorf("open tab: %w", err)
	}
	if err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{
			FrameID: tree.FrameTree.Frame.ID,
			HTML:    string(html),
		})
		return err
	})); err != nil {
		return nil, fmt.Errorf("load html: %w", err)
	}
	// Wait until images (data: URIs) are decoded and fonts are ready.
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](
		`Promise.all([document.fonts.ready, ...Array.from(document.images).map(i => i.decode().catch(() => {}))]).then(() => true)`,
		chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("wait for images: %w", err)
	}
	footer := p.Footer
	if footer == "" {
		footer = DefaultFooter
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPrintBackground(),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footer), // also turns on DisplayHeaderFooter
	))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("print pdf: %w", ctx.Err())
		}
		return nil, fmt.Errorf("print pdf: %w", err)
	}
	return pdf, nil
}

// launch starts a private headless Chromium with a temporary profile; stop
// ends it and removes the profile.
func (p *ChromiumPrinter) launch(ctx context.Context) (context.Context, func(), error) {
	path, err := browser.FindChrome(p.ExecPath)
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "privscan-pdf-")
	if err != nil {
		return nil, nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("mute-audio", true),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	// The browser lives as long as this call: bind it to a context that
	// is not the caller's deadline-bound one only through stop.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err := <-started:
		if err != nil {
			stop()
			return nil, nil, fmt.Errorf("start browser: %w", err)
		}
	case <-ctx.Done():
		stop()
		return nil, nil, errors.Join(errors.New("start browser"), ctx.Err())
	}
	return bctx, stop, nil
}
