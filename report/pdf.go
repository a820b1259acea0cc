package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrNoPrinter is returned by PDFWriter.Write when WriterOptions.Printer is
// nil: the PDF format needs a browser (see report/pdfprint).
var ErrNoPrinter = errors.New("pdf report needs a printer (WriterOptions.Printer, e.g. pdfprint.ChromiumPrinter)")

// PDFWriter writes the HTML report printed to PDF (A4, backgrounds, page
// numbers) by WriterOptions.Printer.
type PDFWriter struct {
	w    io.Writer
	opts WriterOptions
}

var _ Writer = (*PDFWriter)(nil)

// NewPDFWriter returns a PDF writer to w; opts.Printer must be set before
// Write is called.
func NewPDFWriter(w io.Writer, opts WriterOptions) *PDFWriter {
	return &PDFWriter{w: w, opts: opts}
}

// Write renders r as HTML and prints it.
func (p *PDFWriter) Write(ctx context.Context, r *Report) error {
	if p.opts.Printer == nil {
		return ErrNoPrinter
	}
	var html bytes.Buffer
	if err := NewHTMLWriter(&html, p.opts).Write(ctx, r); err != nil {
		return err
	}
	pdf, err := p.opts.Printer.PrintPDF(ctx, html.Bytes())
	if err != nil {
		return fmt.Errorf("print pdf: %w", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return errors.New("print pdf: the printer returned something that is not a PDF")
	}
	_, err = p.w.Write(pdf)
	return err
}
